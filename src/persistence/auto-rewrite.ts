import type { LogCallback } from './aof-writer.js';

export interface RewriteThresholds {
  /** Rewrite once the log grew this many percent over its size after the last rewrite (0: never). */
  rewritePercentage(): number;
  /** … and is larger than this. */
  rewriteMinBytes(): number;
}

/** Redis's AOF_REWRITE_LIMITE_THRESHOLD: failures in a row before automatic rewrites back off. */
const FAILURES_BEFORE_BACKOFF = 3;
const FIRST_BACKOFF_MS = 60_000;
/** Redis's AOF_REWRITE_LIMITE_MAX_MINUTES. */
const MAX_BACKOFF_MS = 60 * 60_000;

/**
 * When an automatic rewrite is due, by Redis's rule (serverCron): the log is larger than the
 * minimum and grew by the percentage over its size after the last rewrite (or the load). After
 * 3 failed rewrites in a row (a full disk, say), automatic ones wait 1 minute, then 2, 4 … up to
 * an hour (aofRewriteLimited), instead of re-encoding the whole store every second; a successful
 * rewrite or a BGREWRITEAOF ends the back-off.
 */
export class AutoRewrite {
  private consecutiveFailures = 0;
  private backoffMs = 0;
  private notBeforeMs = 0;

  constructor(
    private readonly thresholds: RewriteThresholds,
    private readonly log: LogCallback,
  ) {}

  /** The growth in percent when a rewrite should start now; undefined otherwise. */
  due(currentBytes: number, baseBytes: number, nowMs: number): number | undefined {
    const percentage = this.thresholds.rewritePercentage();
    if (percentage === 0 || currentBytes <= this.thresholds.rewriteMinBytes()) return undefined;
    const base = Math.max(1, baseBytes);
    const growthPercent = ((currentBytes - base) * 100) / base;
    if (growthPercent < percentage || this.limited(nowMs)) return undefined;
    return growthPercent;
  }

  rewriteEnded(ok: boolean): void {
    this.consecutiveFailures = ok ? 0 : this.consecutiveFailures + 1;
  }

  /** BGREWRITEAOF: the operator asks for it now; the back-off starts over. */
  manualRewrite(): void {
    this.consecutiveFailures = 0;
  }

  private limited(nowMs: number): boolean {
    if (this.consecutiveFailures < FAILURES_BEFORE_BACKOFF) {
      this.backoffMs = 0;
      this.notBeforeMs = 0;
      return false;
    }
    if (this.notBeforeMs !== 0) {
      if (nowMs < this.notBeforeMs) return true;
      this.notBeforeMs = 0;
      return false;
    }
    this.backoffMs = Math.min(this.backoffMs === 0 ? FIRST_BACKOFF_MS : this.backoffMs * 2, MAX_BACKOFF_MS);
    this.notBeforeMs = nowMs + this.backoffMs;
    this.log('warn', `append-only log rewrite failed ${this.consecutiveFailures} times in a row; the next automatic rewrite waits ${this.backoffMs / 60_000} minute(s)`);
    return true;
  }
}
