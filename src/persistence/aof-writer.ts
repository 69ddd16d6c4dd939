import { encodeAofRecord, type AofOp } from './aof-record.js';
import { errnoCode, type LogFs } from './log-fs.js';

export type FsyncPolicy = 'always' | 'everysec' | 'no';

export type LogCallback = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

/** The incremental file records are appended to; `sizeBytes` ends at its last complete record. */
export interface Segment {
  readonly path: string;
  readonly fd: number;
  sizeBytes: number;
}

/**
 * - `ok`: records go out at the end of each event-loop turn.
 * - `switching`: a rewrite is making the new incremental file durable in the manifest; records
 *   wait in memory meanwhile, so none lands in a file that a crash could orphan.
 * - `write-error`: the last write failed (ENOSPC, EIO, short); it was cut back and is retried.
 * - `failed`: an fsync failed. The kernel may have dropped those pages, so the file is never
 *   trusted again: only a rewrite (a new base from memory) brings the log back.
 */
export type WriterState = 'ok' | 'switching' | 'write-error' | 'failed';

export interface WriterOptions {
  fs: LogFs;
  policy: FsyncPolicy;
  log: LogCallback;
  /** Called once per fsync failure: the owner starts the rewrite that recovers. */
  onFsyncFailure: () => void;
}

/** Redis retries a failed AOF write on every cron tick (hz 10); this is the same order. */
export const WRITE_RETRY_MS = 200;
/** everysec: background fsync period. */
const FSYNC_PERIOD_MS = 1000;
/** everysec: a write waits this long at most for a running fsync (Redis's postponement). */
const MAX_POSTPONE_MS = 2000;

interface Waiter {
  readonly seq: number;
  readonly promise: Promise<void>;
  resolve(): void;
}

/**
 * Appends one record per top-level command to the current incremental file. Group commit: every
 * record sealed during an event-loop turn goes out in one write at the end of the turn; under
 * `always` an fdatasync follows and the replies waiting on those records are released when it
 * succeeds, while records sealed meanwhile form the next group. Records are numbered in seal
 * order (`sealed`), and `durableSeq` only ever grows over a prefix of them.
 */
export class AofWriter {
  state: WriterState = 'ok';
  /** errno code of the failure behind the current state (for MISCONF and INFO). */
  lastErrorCode: string | undefined;
  sealed = 0;
  durableSeq = 0;
  /** Bytes appended to incremental files since start-up or the last rewrite (auto-rewrite input). */
  appendedBytes = 0;
  delayedFsyncs = 0;
  /** Bumped by every fsync failure: a rewrite recovers only failures that happened before it began. */
  failures = 0;
  private ops: AofOp[] = [];
  private opsNowMs = 0;
  private pending: Buffer[] = [];
  /** Records up to this one are in the segment (written, maybe not yet synced). */
  private writtenSeq = 0;
  private segment: Segment | undefined;
  /**
   * Records a rewrite dropped from memory before they reached a file (the write was failing):
   * only the rewrite's base holds them, so nothing after `from` is acknowledged before it is durable.
   */
  private gap: { from: number; to: number } | undefined;
  /** Highest record written and fsynced in a listed file. */
  private syncedSeq = 0;
  private syncing = false;
  /** The fsync in flight, resolving to whether it succeeded; a rewrite waits for it. */
  private inflightSync: Promise<boolean> = Promise.resolve(true);
  private lastFsyncMs = performance.now();
  private postponedSinceMs = 0;
  private flushQueued = false;
  private timer: NodeJS.Timeout | undefined;
  private waiters: Waiter[] = [];
  private closed = false;

  constructor(private readonly options: WriterOptions) {}

  get policy(): FsyncPolicy {
    return this.options.policy;
  }

  set policy(policy: FsyncPolicy) {
    this.options.policy = policy;
    // Switching to always: whatever is written but unsynced is synced now (Redis does the same).
    this.afterWrite();
  }

  get fsyncInProgress(): boolean {
    return this.syncing;
  }

  get pendingBytes(): number {
    let bytes = 0;
    for (const buffer of this.pending) bytes += buffer.length;
    return bytes;
  }

  /** Writes are refused while the log cannot take them. */
  get refusing(): boolean {
    return this.state === 'write-error' || this.state === 'failed';
  }

  /** A command is running and has produced forms not yet sealed into a record. */
  get unitOpen(): boolean {
    return this.ops.length > 0;
  }

  attach(segment: Segment): void {
    this.segment = segment;
  }

  /** One replayable form of the command running now (dispatcher.onPropagate). */
  append(db: number, argv: readonly string[], nowMs: number): void {
    if (this.ops.length === 0) this.opsNowMs = nowMs;
    this.ops.push({ db, argv });
  }

  /** The top-level command ended (dispatcher.onCommandEnd): its forms become one record. */
  seal(): void {
    if (this.ops.length === 0) return;
    this.pending.push(encodeAofRecord({ nowMs: this.opsNowMs, ops: this.ops }));
    this.ops = [];
    this.sealed++;
    if (!this.flushQueued) {
      this.flushQueued = true;
      setImmediate(this.flushTurn);
    }
  }

  /**
   * Under `always`: a promise that settles once every record sealed so far is durable, when a
   * record sealed after `sinceRecords` is not yet; undefined otherwise (nothing to allocate).
   * It never rejects: while the disk fails, the reply stays held (see README).
   */
  durable(sinceRecords: number): Promise<void> | undefined {
    if (this.options.policy !== 'always' || this.sealed <= sinceRecords || this.sealed <= this.durableSeq) return undefined;
    const last = this.waiters[this.waiters.length - 1];
    if (last !== undefined && last.seq === this.sealed) return last.promise;
    let resolve!: () => void;
    const promise = new Promise<void>((done) => (resolve = done));
    this.waiters.push({ seq: this.sealed, promise, resolve });
    return promise;
  }

  /** Writes what is pending now, if the state allows; true when nothing is left pending. */
  flushNow(): boolean {
    if (this.state !== 'ok' || this.segment === undefined) return this.pending.length === 0;
    if (this.pending.length === 0) return true;
    const data = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    const upTo = this.sealed;
    if (!this.writeAll(this.segment, data)) return false;
    this.pending = [];
    this.writtenSeq = upTo;
    this.appendedBytes += data.length;
    return true;
  }

  /**
   * The rewrite's synchronous moment: records sealed so far are covered by the base captured
   * now, so the ones still in memory are dropped (they must not replay twice), and later ones go
   * to `next`. Returns the previous segment for the rewrite to sync and close. The writer stays
   * `failed` (refusing) through a recovery rewrite; otherwise it holds records until `resume`.
   */
  switchTo(next: Segment): { previous: Segment | undefined; writtenSeq: number; settled: Promise<boolean> } {
    const previous = this.segment;
    const writtenSeq = this.writtenSeq;
    if (writtenSeq < this.sealed) this.gap = { from: Math.min(writtenSeq, this.gap?.from ?? Infinity), to: this.sealed };
    this.pending = [];
    this.writtenSeq = this.sealed;
    this.segment = next;
    this.appendedBytes = 0;
    // A sync in flight belongs to the old file; its completion must not count for the new one.
    this.syncing = false;
    if (this.state !== 'failed') this.state = 'switching';
    return { previous, writtenSeq, settled: this.inflightSync };
  }

  /** The new incremental file is listed in a durable manifest: writing resumes. */
  resume(): void {
    if (this.state === 'switching') this.state = 'ok';
    this.flushTurn();
  }

  /**
   * Records up to `seq` are durable by other means (the old file's final sync, or a rewritten
   * base in a durable manifest, which also closes a gap it covers); a recovery rewrite that began after the last fsync failure
   * (`failuresAtStart`) also ends the failed state.
   */
  markDurable(seq: number, failuresAtStart?: number): void {
    if (failuresAtStart !== undefined && failuresAtStart === this.failures && this.state === 'failed') {
      this.options.log('info', 'append-only log rewritten after the fsync failure; writes accepted again');
      this.state = 'ok';
      this.lastErrorCode = undefined;
    }
    if (this.gap !== undefined && seq >= this.gap.to) this.gap = undefined;
    this.advanceDurable(seq);
    if (this.state === 'ok') this.flushTurn();
  }

  /** Marks the log failed after an fsync error (here or in a rewrite step that needed one). */
  fsyncFailed(error: unknown, what: string): void {
    this.failures++;
    this.lastErrorCode = errnoCode(error) ?? 'EIO';
    if (this.state !== 'failed') {
      this.options.log('error', `${what} failed; refusing writes until the log is rewritten from memory`, { code: this.lastErrorCode, err: error });
    }
    this.state = 'failed';
    this.options.onFsyncFailure();
  }

  /** Shutdown: everything sealed is written and fsynced (unless the disk refuses). */
  async close(): Promise<void> {
    this.flushNow();
    const segment = this.segment;
    if (segment !== undefined && this.state === 'ok') {
      await this.options.fs.datasync(segment.fd).then(() => this.advanceDurable(this.writtenSeq), (error: unknown) => this.fsyncFailed(error, 'final fsync'));
    }
    this.closed = true;
    clearTimeout(this.timer);
    if (segment !== undefined) this.options.fs.close(segment.fd);
    this.segment = undefined;
  }

  /** Stops every timer and future write without touching the disk (the process is going away). */
  halt(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private readonly flushTurn = (): void => {
    this.flushQueued = false;
    if (this.closed || this.state === 'failed' || this.state === 'switching') return;
    if (this.postpone()) return;
    const hadError = this.state === 'write-error';
    if (hadError) this.state = 'ok';
    if (!this.flushNow()) {
      this.state = 'write-error';
      this.schedule(WRITE_RETRY_MS);
      return;
    }
    if (hadError) this.options.log('info', 'append-only log write error looks solved; writes accepted again');
    this.afterWrite();
  };

  /** everysec: while a background fsync runs, a write could block on it; wait up to 2 s (Redis). */
  private postpone(): boolean {
    if (this.options.policy !== 'everysec' || !this.syncing || this.pending.length === 0) return false;
    const nowMs = performance.now();
    if (this.postponedSinceMs === 0) this.postponedSinceMs = nowMs;
    if (nowMs - this.postponedSinceMs < MAX_POSTPONE_MS) {
      this.schedule(MAX_POSTPONE_MS - (nowMs - this.postponedSinceMs));
      return true;
    }
    this.delayedFsyncs++;
    this.options.log('warn', 'asynchronous fsync of the append-only log is taking too long (disk busy?); writing without waiting for it');
    this.postponedSinceMs = 0;
    return false;
  }

  /** Starts the fsync the policy asks for after a write (or schedules it). */
  private afterWrite(): void {
    if (this.state !== 'ok' || this.syncing || this.segment === undefined || this.writtenSeq <= this.durableSeq) return;
    if (this.options.policy === 'always') this.sync(this.segment);
    else if (this.options.policy === 'everysec') {
      const dueInMs = FSYNC_PERIOD_MS - (performance.now() - this.lastFsyncMs);
      if (dueInMs <= 0) this.sync(this.segment);
      else this.schedule(dueInMs);
    } else {
      // `no`: the kernel decides; what was written counts as handed over.
      this.advanceDurable(this.writtenSeq);
    }
  }

  private sync(segment: Segment): void {
    const target = this.writtenSeq;
    this.syncing = true;
    this.postponedSinceMs = 0;
    this.inflightSync = this.options.fs.datasync(segment.fd).then(
      () => {
        this.synced(segment, target);
        return true;
      },
      (error: unknown) => {
        // Even for a file a rewrite already left: what it held may be lost, so the rewrite
        // running now (which began before this failure) cannot be the one that recovers.
        if (this.segment === segment) this.syncing = false;
        this.fsyncFailed(error, 'fsync of the append-only log');
        return false;
      },
    );
  }

  private synced(segment: Segment, target: number): void {
    // The file was switched meanwhile; the rewrite accounts for what it held.
    if (this.segment !== segment) return;
    this.syncing = false;
    this.lastFsyncMs = performance.now();
    if (this.state === 'failed') return;
    this.advanceDurable(target);
    if (this.pending.length > 0) this.flushTurn();
    else this.afterWrite();
  }

  private advanceDurable(seq: number): void {
    if (seq > this.syncedSeq) this.syncedSeq = seq;
    const durable = this.gap === undefined ? this.syncedSeq : Math.min(this.syncedSeq, this.gap.from);
    if (durable <= this.durableSeq) return;
    this.durableSeq = durable;
    let released = 0;
    while (released < this.waiters.length && this.waiters[released]!.seq <= durable) this.waiters[released++]!.resolve();
    if (released > 0) this.waiters = this.waiters.slice(released);
  }

  /** Appends all of `data`; on failure cuts the file back so no partial record stays in it. */
  private writeAll(segment: Segment, data: Buffer): boolean {
    let written = 0;
    try {
      while (written < data.length) {
        const bytes = this.options.fs.append(segment.fd, data, written, data.length - written);
        // A short write is followed by another call, which reports the error (ENOSPC) itself.
        if (bytes <= 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
        written += bytes;
      }
      segment.sizeBytes += data.length;
      return true;
    } catch (error) {
      this.writeFailed(segment, error, written);
      return false;
    }
  }

  private writeFailed(segment: Segment, error: unknown, written: number): void {
    const first = this.state !== 'write-error' || this.lastErrorCode !== errnoCode(error);
    this.lastErrorCode = errnoCode(error) ?? 'EIO';
    if (written > 0) {
      try {
        this.options.fs.truncate(segment.fd, segment.sizeBytes);
      } catch (truncateError) {
        // The partial record cannot be removed: this file must never be appended to again.
        this.fsyncFailed(truncateError, 'removing a partial write from the append-only log');
        return;
      }
    }
    if (first) this.options.log('error', 'writing the append-only log failed; refusing writes and retrying', { code: this.lastErrorCode, written });
  }

  private schedule(delayMs: number): void {
    if (this.timer !== undefined || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.state === 'write-error' || this.pending.length > 0) this.flushTurn();
      else this.afterWrite();
    }, Math.max(1, delayMs));
    this.timer.unref();
  }
}
