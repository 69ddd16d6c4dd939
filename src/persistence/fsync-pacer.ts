import type { LogCallback } from './aof-writer.js';

/** everysec: background fsync period. */
const FSYNC_PERIOD_MS = 1000;
/** everysec: a write waits this long at most for a running fsync (Redis's postponement). */
const MAX_POSTPONE_MS = 2000;

/**
 * `appendfsync everysec` timing, as Redis's flushAppendOnlyFile: an fsync about once a second,
 * and while one is still running a write is postponed (on Linux, write(2) can block behind an
 * fdatasync of the same file) — for 2 s at most, then written anyway and counted in
 * `aof_delayed_fsync`.
 */
export class FsyncPacer {
  delayedFsyncs = 0;
  private lastFsyncMs = performance.now();
  private postponedSinceMs = 0;

  constructor(private readonly log: LogCallback) {}

  /** How long until the next fsync is due; ≤ 0 means now. */
  dueInMs(): number {
    return FSYNC_PERIOD_MS - (performance.now() - this.lastFsyncMs);
  }

  syncStarted(): void {
    this.postponedSinceMs = 0;
  }

  syncEnded(): void {
    this.lastFsyncMs = performance.now();
  }

  /** An fsync is running and records wait: how long to keep postponing them (0: write now). */
  postponeMs(): number {
    const nowMs = performance.now();
    if (this.postponedSinceMs === 0) this.postponedSinceMs = nowMs;
    const waitedMs = nowMs - this.postponedSinceMs;
    if (waitedMs < MAX_POSTPONE_MS) return MAX_POSTPONE_MS - waitedMs;
    this.delayedFsyncs++;
    this.log('warn', 'asynchronous fsync of the append-only log is taking too long (disk busy?); writing without waiting for it');
    this.postponedSinceMs = 0;
    return 0;
  }
}
