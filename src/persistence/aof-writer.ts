import { DurableWaiters } from './durable-waiters.js';
import { FsyncPacer } from './fsync-pacer.js';
import type { LogFs } from './log-fs.js';
import { RecordQueue } from './record-queue.js';
import { appendWhole, type AppendOutcome, type Segment } from './segment-append.js';
import { WriterFaults } from './writer-faults.js';

export type { Segment } from './segment-append.js';

export type FsyncPolicy = 'always' | 'everysec' | 'no';

export type LogCallback = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

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

/**
 * Appends one record per top-level command to the current incremental file. Group commit: every
 * record sealed during an event-loop turn goes out in one write at the end of the turn; under
 * `always` an fdatasync follows and the replies waiting on those records are released when it
 * succeeds, while records sealed meanwhile form the next group. Records are numbered in seal
 * order (`sealed`), and `durableSeq` only ever grows over a prefix of them.
 */
export class AofWriter {
  state: WriterState = 'ok';
  durableSeq = 0;
  /** Bytes appended to incremental files since start-up or the last rewrite (auto-rewrite input). */
  appendedBytes = 0;
  private readonly faults: WriterFaults;
  private readonly pacer: FsyncPacer;
  private readonly records = new RecordQueue();
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
  private flushQueued = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly waiters = new DurableWaiters();
  private closed = false;

  constructor(private readonly options: WriterOptions) {
    this.faults = new WriterFaults(options.log);
    this.pacer = new FsyncPacer(options.log);
  }

  /** everysec: writes that could not wait any longer for a running fsync (INFO aof_delayed_fsync). */
  get delayedFsyncs(): number {
    return this.pacer.delayedFsyncs;
  }

  /** errno code of the failure behind the current state (for MISCONF and INFO). */
  get lastErrorCode(): string | undefined {
    return this.faults.lastErrorCode;
  }

  /** fsync failures so far: a rewrite recovers only those that happened before it began. */
  get failures(): number {
    return this.faults.failures;
  }

  get policy(): FsyncPolicy {
    return this.options.policy;
  }

  set policy(policy: FsyncPolicy) {
    this.options.policy = policy;
    // Switching to always: what `no` or `everysec` wrote and did not sync yet is synced now,
    // so "always" covers every record from this moment, not only the next one's.
    this.afterWrite();
  }

  get fsyncInProgress(): boolean {
    return this.syncing;
  }

  /** Records sealed so far. */
  get sealed(): number {
    return this.records.sealed;
  }

  get pendingBytes(): number {
    return this.records.pendingBytes;
  }

  /** Writes are refused while the log cannot take them. */
  get refusing(): boolean {
    return this.state === 'write-error' || this.state === 'failed';
  }

  /** Records a rewrite took out of memory before any file got them: only its base will hold them. */
  get recordsOnlyInMemory(): boolean {
    return this.gap !== undefined;
  }

  /** A command is running and has produced forms not yet sealed into a record. */
  get unitOpen(): boolean {
    return this.records.unitOpen;
  }

  attach(segment: Segment): void {
    this.segment = segment;
  }

  /** One replayable form of the command running now (dispatcher.onPropagate). */
  append(db: number, argv: readonly string[], nowMs: number): void {
    this.records.add(db, argv, nowMs);
  }

  /** The top-level command ended (dispatcher.onCommandEnd): its forms become one record. */
  seal(): void {
    if (!this.records.seal()) return;
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
    return this.waiters.waitFor(this.sealed);
  }

  /** Writes what is pending now, if the state allows; true when nothing is left pending. */
  flushNow(): boolean {
    const data = this.records.peek();
    if (data === undefined) return true;
    if (this.state !== 'ok' || this.segment === undefined) return false;
    const upTo = this.sealed;
    const outcome = appendWhole(this.options.fs, this.segment, data);
    if (!outcome.ok) {
      this.writeFailed(outcome);
      return false;
    }
    this.faults.writeSucceeded();
    this.records.clear();
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
    this.records.clear();
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
   * Records up to `seq` are durable by other means: the old file's final sync, or a rewritten base
   * in a durable manifest (which also closes a gap it covers, and, for a recovery rewrite that
   * began after the last fsync failure — `failuresAtStart` — ends the failed state).
   */
  markDurable(seq: number, failuresAtStart?: number): void {
    if (failuresAtStart !== undefined && failuresAtStart === this.failures && this.state === 'failed') {
      this.faults.recovered();
      this.state = 'ok';
    }
    if (this.gap !== undefined && seq >= this.gap.to) this.gap = undefined;
    this.advanceDurable(seq);
    if (this.state === 'ok') this.flushTurn();
  }

  /** Marks the log failed after an fsync error (here or in a rewrite step that needed one). */
  fsyncFailed(error: unknown, what: string): void {
    this.faults.fsyncFailed(error, what, this.state !== 'failed');
    this.state = 'failed';
    this.options.onFsyncFailure();
  }

  /**
   * Shutdown (or `appendonly no`): everything sealed is written and fsynced whatever the policy,
   * as Redis's prepareForShutdown does. After a write error the write is tried once more (the
   * disk may be back); if the disk still refuses, replies waiting on those records stay held.
   */
  async close(): Promise<void> {
    if (this.state === 'write-error') this.state = 'ok';
    if (!this.flushNow() && this.state === 'ok') this.state = 'write-error';
    this.closed = true;
    clearTimeout(this.timer);
    // A background fsync still running on the descriptor must end before it is closed.
    await this.inflightSync;
    const segment = this.segment;
    if (segment !== undefined && this.state === 'ok') {
      await this.options.fs.datasync(segment.fd).then(() => this.advanceDurable(this.writtenSeq), (error: unknown) => this.fsyncFailed(error, 'final fsync'));
    }
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
    // No file yet (the first base is still being written): records wait in memory for it.
    if (this.closed || this.state === 'failed' || this.state === 'switching' || this.segment === undefined) return;
    if (this.postpone()) return;
    if (this.state === 'write-error') this.state = 'ok';
    if (!this.flushNow()) {
      this.state = 'write-error';
      this.schedule(WRITE_RETRY_MS);
      return;
    }
    this.afterWrite();
  };

  /** everysec: while a background fsync runs, records wait (see FsyncPacer). */
  private postpone(): boolean {
    if (this.options.policy !== 'everysec' || !this.syncing || !this.records.hasPending) return false;
    const waitMs = this.pacer.postponeMs();
    if (waitMs > 0) this.schedule(waitMs);
    return waitMs > 0;
  }

  /** Starts the fsync the policy asks for after a write (or schedules it). */
  private afterWrite(): void {
    if (this.state !== 'ok' || this.syncing || this.segment === undefined || this.writtenSeq <= this.durableSeq) return;
    if (this.options.policy === 'always') this.sync(this.segment);
    else if (this.options.policy === 'everysec') {
      const dueInMs = this.pacer.dueInMs();
      if (dueInMs <= 0) this.sync(this.segment);
      else this.schedule(dueInMs);
    }
    // `no`: the kernel decides when; nothing is marked synced, so a switch to `always` syncs it.
  }

  private sync(segment: Segment): void {
    const target = this.writtenSeq;
    this.syncing = true;
    this.pacer.syncStarted();
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
    this.pacer.syncEnded();
    if (this.state === 'failed') return;
    this.advanceDurable(target);
    if (this.records.hasPending) this.flushTurn();
    else this.afterWrite();
  }

  private advanceDurable(seq: number): void {
    if (seq > this.syncedSeq) this.syncedSeq = seq;
    const durable = this.gap === undefined ? this.syncedSeq : Math.min(this.syncedSeq, this.gap.from);
    if (durable <= this.durableSeq) return;
    this.durableSeq = durable;
    this.waiters.release(durable);
  }

  private writeFailed(outcome: Exclude<AppendOutcome, { ok: true }>): void {
    // A partial record that cannot be cut off: this file must never be appended to again.
    if (outcome.cutBack) this.faults.writeFailed(outcome.code, outcome.writtenBytes, outcome.error);
    else this.fsyncFailed(outcome.truncateError, 'removing a partial write from the append-only log');
  }

  private schedule(delayMs: number): void {
    if (this.timer !== undefined || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.state === 'write-error' || this.records.hasPending) this.flushTurn();
      else this.afterWrite();
    }, Math.max(1, delayMs));
    this.timer.unref();
  }
}
