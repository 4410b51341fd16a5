/**
 * Studies in PostgreSQL, in Optuna's RDB schema (created when the database holds none), so Optuna 3.1+
 * and optuna-dashboard load them with `postgresql://...` and hyperforce continues theirs. Each write is
 * one transaction: take the row lock Optuna takes, read what other writers committed, check the
 * operation against it (a finished trial, the trial target, the study lease), write, commit.
 */
import { StorageError } from "../../errors/errors.ts";
import { BlockingClient, redactUrl, ServerError } from "../blocking-client.ts";
import { OpStorage } from "../op-storage.ts";
import type { StorageOp } from "../ops.ts";
import { RowReplay } from "./replay.ts";
import { ensureSchema } from "./schema.ts";
import { lockFor, writeOp } from "./write.ts";

/** SQLSTATE of a unique violation: another process created the same study a moment ago. */
const UNIQUE_VIOLATION = "23505";

export class PostgresStorage extends OpStorage {
  private readonly client: BlockingClient;
  private readonly replay: RowReplay;
  private readonly where: string;

  constructor(url: string) {
    super();
    this.where = `PostgreSQL storage ${redactUrl(url)}`;
    this.client = new BlockingClient("postgres", url, this.where);
    ensureSchema(this.client, this.where);
    this.replay = new RowReplay(this.state, this.client);
    this.sync();
  }

  /** Reads what other processes committed since the last read. */
  sync(): void {
    this.replay.refresh();
  }

  close(): void {
    this.client.close();
  }

  protected refresh(): void {
    this.sync();
  }

  protected perform(op: StorageOp): void {
    if (!this.replay.knows(op)) this.replay.refresh();
    this.client.call("query", "BEGIN");
    try {
      lockFor(op, this.client, this.replay);
      this.replay.refresh();
      this.state.check(op);
      writeOp(op, this.client, this.replay);
      // A new study or trial is read back inside the transaction (its own rows, and under the lock no other
      // trial of the study), so the state's newest trial is the one created here and its ids are mapped;
      // any other change is applied as it was written (the next refresh finds the rows equal to it).
      if (op.kind === "createStudy" || op.kind === "createTrial") this.replay.refresh();
      else this.state.apply(op);
    } catch (error) {
      this.client.call("query", "ROLLBACK");
      if (error instanceof ServerError && error.code === UNIQUE_VIOLATION && op.kind === "createStudy") {
        throw new StorageError(`a study named "${op.name}" already exists`);
      }
      throw error;
    }
    try {
      this.client.call("query", "COMMIT");
    } catch (error) {
      // The state already holds what was not committed: this storage object cannot be trusted any more.
      this.close();
      throw error;
    }
  }
}
