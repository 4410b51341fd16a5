export { JournalFileStorage, type JournalFileStorageOptions } from "./journal.ts";
export { JOURNAL_OP_CODES } from "./journal-ops.ts";
export { InMemoryStorage } from "./memory.ts";
export { openStorage } from "./open.ts";
export { FAIL_REASON_ATTR } from "./ops.ts";
export {
  datetimeFromOptuna,
  datetimeToOptuna,
  directionFromOptuna,
  directionToOptuna,
  distributionFromOptuna,
  distributionToOptuna,
  normalizeDistribution,
  OPTUNA_TRIAL_STATES,
  paramFromInternal,
  paramToInternal,
  stateFromOptuna,
  stateToOptuna,
} from "./optuna-format.ts";
export { PostgresStorage } from "./postgres/storage.ts";
export { RedisJournalStorage, type RedisJournalStorageOptions } from "./redis-journal.ts";
export type { Storage, StudySummary } from "./storage.ts";
