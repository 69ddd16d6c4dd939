import type { SnapshotSink } from '../store/snapshot-writer.js';
import type { LogFs } from './log-fs.js';

/**
 * A rewrite's base file, streamed through the log's file seam as the background capture encodes
 * it: chunks are appended in order on the thread pool, then `commit()` does temp → fdatasync →
 * rename → fsync directory, as every file of the log is replaced. Going through `LogFs` (not
 * node:fs) is what lets the power-loss test model every byte of a rewrite.
 */
export class BaseFileSink implements SnapshotSink {
  private position = 0;
  private queuedBytes = 0;
  private tail: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | undefined;
  private open = true;

  private constructor(
    private readonly fs: LogFs,
    private readonly dir: string,
    private readonly path: string,
    private readonly tempPath: string,
    private readonly fd: number,
  ) {}

  /** Creates (or truncates) `${path}.tmp`; the name `path` is untouched until commit. */
  static create(fs: LogFs, dir: string, path: string): BaseFileSink {
    const tempPath = `${path}.tmp`;
    return new BaseFileSink(fs, dir, path, tempPath, fs.openTruncate(tempPath));
  }

  get backlogBytes(): number {
    return this.queuedBytes;
  }

  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** Queues `chunk`; `written` lets the encoder reuse the chunk's buffer once the append is over. */
  write(chunk: Buffer, written?: () => void): void {
    this.position += chunk.length;
    this.queuedBytes += chunk.length;
    this.tail = this.tail
      .then(() => (this.failure === undefined ? this.fs.appendAsync(this.fd, chunk) : undefined))
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => {
        this.queuedBytes -= chunk.length;
        written?.();
      });
  }

  async settled(): Promise<void> {
    await this.tail;
    if (this.failure !== undefined) throw this.failure.error;
  }

  async commit(): Promise<number> {
    try {
      await this.settled();
      await this.fs.datasync(this.fd);
      this.closeFd();
      this.fs.rename(this.tempPath, this.path);
    } catch (error) {
      await this.abort();
      throw error;
    }
    await this.fs.syncDir(this.dir);
    return this.position;
  }

  async abort(): Promise<void> {
    await this.tail;
    for (const step of [() => this.closeFd(), () => this.fs.unlink(this.tempPath)]) {
      try {
        step();
      } catch {
        // Never created, already gone, or the disk failing: the error that led here matters more.
      }
    }
  }

  private closeFd(): void {
    if (!this.open) return;
    this.open = false;
    this.fs.close(this.fd);
  }
}
