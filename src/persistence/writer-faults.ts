import type { LogCallback } from './aof-writer.js';
import { errnoCode } from './log-fs.js';

/**
 * The writer's fault bookkeeping: which errno stands behind a refusal (MISCONF and INFO quote
 * it), how many fsyncs failed (a rewrite recovers only the failures that happened before it
 * began), and one log line per run of failures rather than one per retry every 200 ms (Redis
 * rate-limits the same message).
 */
export class WriterFaults {
  lastErrorCode: string | undefined;
  /** Bumped by every fsync failure. */
  failures = 0;
  private failingWrites = false;

  constructor(private readonly log: LogCallback) {}

  /** A write failed and was cut back: logged when a run of failures starts or its errno changes. */
  writeFailed(code: string, writtenBytes: number, error: unknown): void {
    if (!this.failingWrites || this.lastErrorCode !== code) {
      this.log('error', 'writing the append-only log failed; refusing writes and retrying', { code, written: writtenBytes, err: error });
    }
    this.failingWrites = true;
    this.lastErrorCode = code;
  }

  /** A write went through: ends a run of failures. */
  writeSucceeded(): void {
    if (!this.failingWrites) return;
    this.failingWrites = false;
    this.lastErrorCode = undefined;
    this.log('info', 'append-only log write error looks solved; writes accepted again');
  }

  /** An fsync (or a step that needed one) failed; `first` when the log was not failed already. */
  fsyncFailed(error: unknown, what: string, first: boolean): void {
    this.failures++;
    this.lastErrorCode = errnoCode(error) ?? 'EIO';
    if (first) this.log('error', `${what} failed; refusing writes until the log is rewritten from memory`, { code: this.lastErrorCode, err: error });
  }

  /** A rewrite from memory made every record durable again. */
  recovered(): void {
    this.failingWrites = false;
    this.lastErrorCode = undefined;
    this.log('info', 'append-only log rewritten after the fsync failure; writes accepted again');
  }
}
