import { encodeAofRecord, type AofOp } from './aof-record.js';

/**
 * Records on their way to the log: the replayable forms of the command running now, which its
 * end seals into one record (an EXEC's whole queue included), and the sealed records not yet
 * written. Records are numbered in seal order; `sealed` is the latest number.
 */
export class RecordQueue {
  sealed = 0;
  private ops: AofOp[] = [];
  private opsNowMs = 0;
  private pending: Buffer[] = [];

  /** A command is running and has produced forms not yet sealed into a record. */
  get unitOpen(): boolean {
    return this.ops.length > 0;
  }

  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  get pendingBytes(): number {
    let bytes = 0;
    for (const buffer of this.pending) bytes += buffer.length;
    return bytes;
  }

  /**
   * One form of the running command, at the instant the record will replay it. A record replays
   * at one instant, so a form from another instant closes the record before it: a blocked client
   * served after the command that fed it runs at its own clock reading (a destination key whose
   * TTL fell in between is expired for it, and must be on replay too).
   */
  add(db: number, argv: readonly string[], nowMs: number): void {
    if (this.ops.length > 0 && nowMs !== this.opsNowMs) this.seal();
    if (this.ops.length === 0) this.opsNowMs = nowMs;
    this.ops.push({ db, argv });
  }

  /** The running command ended; returns whether it produced a record. */
  seal(): boolean {
    if (this.ops.length === 0) return false;
    this.pending.push(encodeAofRecord({ nowMs: this.opsNowMs, ops: this.ops }));
    this.ops = [];
    this.sealed++;
    return true;
  }

  /** Every pending record as one buffer, for one write; undefined when none is pending. */
  peek(): Buffer | undefined {
    if (this.pending.length <= 1) return this.pending[0];
    this.pending = [Buffer.concat(this.pending)];
    return this.pending[0];
  }

  /** The pending records were written, or are covered by a rewrite's base. */
  clear(): void {
    this.pending = [];
  }
}
