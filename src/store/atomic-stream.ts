import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { FILE_MODE, fsyncDirectorySync, nodeFs, tempPathFor, type AtomicFs } from './atomic-file.js';

/**
 * writeFileAtomicSync for data produced piece by piece: append chunks as they come, then
 * commit() (fsync, rename over the target, fsync the directory) or abort() (remove the temp
 * file). The target is replaced only by a complete, fsynced file.
 */
export class AtomicStreamSync {
  private readonly tempPath: string;
  private readonly fd: number;
  private position = 0;

  constructor(
    private readonly path: string,
    private readonly io: AtomicFs = nodeFs,
  ) {
    this.tempPath = tempPathFor(path);
    this.fd = io.openSync(this.tempPath, 'w', FILE_MODE);
  }

  get bytesWritten(): number {
    return this.position;
  }

  write(chunk: Buffer): void {
    for (let done = 0; done < chunk.length; ) {
      done += this.io.writeSync(this.fd, chunk, done, chunk.length - done, this.position + done);
    }
    this.position += chunk.length;
  }

  commit(): void {
    try {
      this.io.fsyncSync(this.fd);
      this.io.closeSync(this.fd);
      this.io.renameSync(this.tempPath, this.path);
    } catch (error) {
      this.abort();
      throw error;
    }
    fsyncDirectorySync(dirname(this.path), this.io);
  }

  /** Removes the temp file; the target keeps its previous content. Never throws. */
  abort(): void {
    for (const step of [() => this.io.closeSync(this.fd), () => this.io.unlinkSync(this.tempPath)]) {
      try {
        step();
      } catch {
        // Already closed, or never created: the error that led here is the one that matters.
      }
    }
  }
}

/**
 * The same without blocking the event loop: writes run on libuv's thread pool, one at a time in
 * order, while the producer keeps going. `write()` only queues; `backlogBytes` lets the producer
 * slow down when the disk falls behind, and the first failure is kept and rethrown by
 * `settled()` / `commit()` (so a failed write never becomes an unhandled rejection).
 */
export class AtomicStream {
  private position = 0;
  private queuedBytes = 0;
  private tail: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | undefined;

  private constructor(
    private readonly path: string,
    private readonly tempPath: string,
    private readonly handle: FileHandle,
    private readonly io: AtomicFs,
  ) {}

  static async open(path: string, io: AtomicFs = nodeFs): Promise<AtomicStream> {
    const tempPath = tempPathFor(path);
    return new AtomicStream(path, tempPath, await io.promises.open(tempPath, 'w', FILE_MODE), io);
  }

  get backlogBytes(): number {
    return this.queuedBytes;
  }

  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** Queues `chunk`; `written` runs once the write is over (done or failed) and the bytes may be reused. */
  write(chunk: Buffer, written?: () => void): void {
    const at = this.position;
    this.position += chunk.length;
    this.queuedBytes += chunk.length;
    this.tail = this.tail
      .then(() => (this.failure === undefined ? writeAll(this.handle, chunk, at) : undefined))
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => {
        this.queuedBytes -= chunk.length;
        written?.();
      });
  }

  /** Resolves once every queued write is done; rejects with the first write error. */
  async settled(): Promise<void> {
    await this.tail;
    if (this.failure !== undefined) throw this.failure.error;
  }

  async commit(): Promise<number> {
    try {
      await this.settled();
      await this.handle.sync();
      await this.handle.close();
      await this.io.promises.rename(this.tempPath, this.path);
    } catch (error) {
      await this.abort();
      throw error;
    }
    const dir = await this.io.promises.open(dirname(this.path), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    return this.position;
  }

  /** Waits for queued writes, then removes the temp file. Never rejects. */
  async abort(): Promise<void> {
    await this.tail;
    await this.handle.close().catch(() => undefined);
    await this.io.promises.unlink(this.tempPath).catch(() => undefined);
  }
}

async function writeAll(handle: FileHandle, chunk: Buffer, at: number): Promise<void> {
  for (let done = 0; done < chunk.length; ) {
    const { bytesWritten } = await handle.write(chunk, done, chunk.length - done, at + done);
    done += bytesWritten;
  }
}
