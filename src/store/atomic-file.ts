import * as fs from 'node:fs';
import { dirname } from 'node:path';

/**
 * The file-system calls an atomic write makes: a seam so tests can make any step fail (a full
 * disk, a failed rename) and check that the previous file survives.
 */
export interface AtomicFs {
  openSync(path: string, flags: string, mode?: number): number;
  writeSync(fd: number, buffer: Buffer, offset: number, length: number, position: number): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  unlinkSync(path: string): void;
  promises: {
    open(path: string, flags: string, mode?: number): Promise<fs.promises.FileHandle>;
    rename(from: string, to: string): Promise<void>;
    unlink(path: string): Promise<void>;
  };
}

export const nodeFs: AtomicFs = fs;

/** Snapshots hold user data (possibly secrets): owner-only, like a private key. */
export const FILE_MODE = 0o600;

/** The temp file lives beside the target so the final rename never crosses a file system. */
export function tempPathFor(path: string): string {
  return `${path}.tmp-${process.pid}`;
}

/**
 * Replaces `path` with `data` so that a crash at any moment leaves either the old file or the
 * new one under `path`, never a mix: write a temp file, fsync it, rename it over the target,
 * then fsync the directory so the rename itself is durable. On failure the temp file is removed
 * and the error rethrown; the old file is untouched.
 */
export function writeFileAtomicSync(path: string, data: Buffer, io: AtomicFs = nodeFs): void {
  const tempPath = tempPathFor(path);
  try {
    const fd = io.openSync(tempPath, 'w', FILE_MODE);
    try {
      for (let written = 0; written < data.length; ) {
        written += io.writeSync(fd, data, written, data.length - written, written);
      }
      io.fsyncSync(fd);
    } finally {
      io.closeSync(fd);
    }
    io.renameSync(tempPath, path);
  } catch (error) {
    removeQuietlySync(tempPath, io);
    throw error;
  }
  fsyncDirectorySync(dirname(path), io);
}

/** The same steps without blocking the event loop: the writes run on libuv's thread pool. */
export async function writeFileAtomic(path: string, data: Buffer, io: AtomicFs = nodeFs): Promise<void> {
  const tempPath = tempPathFor(path);
  try {
    const handle = await io.promises.open(tempPath, 'w', FILE_MODE);
    try {
      for (let written = 0; written < data.length; ) {
        const { bytesWritten } = await handle.write(data, written, data.length - written, written);
        written += bytesWritten;
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await io.promises.rename(tempPath, path);
  } catch (error) {
    await io.promises.unlink(tempPath).catch(() => undefined);
    throw error;
  }
  const dir = await io.promises.open(dirname(path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/** Makes a rename (or a file creation) in `dir` durable. */
export function fsyncDirectorySync(dir: string, io: AtomicFs = nodeFs): void {
  const fd = io.openSync(dir, 'r');
  try {
    io.fsyncSync(fd);
  } finally {
    io.closeSync(fd);
  }
}

function removeQuietlySync(path: string, io: AtomicFs): void {
  try {
    io.unlinkSync(path);
  } catch {
    // The temp file may never have been created; the original error is the one that matters.
  }
}
