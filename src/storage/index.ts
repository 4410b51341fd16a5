export type { Storage, StudySummary } from "./storage.ts";
export { InMemoryStorage } from "./memory.ts";
export { JournalFileStorage, type JournalFileStorageOptions } from "./journal.ts";
export { openStorage } from "./open.ts";
export { FAIL_REASON_ATTR } from "./ops.ts";
export {
  OPTUNA_TRIAL_STATES,
  datetimeFromOptuna,
  datetimeToOptuna,
  directionFromOptuna,
  directionToOptuna,
  distributionFromOptuna,
  distributionToOptuna,
  normalizeDistribution,
  paramFromInternal,
  paramToInternal,
  stateFromOptuna,
  stateToOptuna,
} from "./optuna-format.ts";
export { JOURNAL_OP_CODES } from "./journal-ops.ts";
