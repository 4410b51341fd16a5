/** Studies kept in this process only: fast, gone when the process ends. */

import { OpStorage } from "./op-storage.ts";
import type { StorageOp } from "./ops.ts";

export class InMemoryStorage extends OpStorage {
  protected perform(op: StorageOp): void {
    this.state.check(op);
    this.state.apply(op);
  }

  protected refresh(): void {}

  sync(): void {}

  close(): void {}
}
