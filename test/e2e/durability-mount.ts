import { execFile } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Small real filesystems that really fill up: a tmpfs, and ext4 on a loop device (a block
 * filesystem with a journal and delayed allocation). Mounting needs root and CAP_SYS_ADMIN, which
 * containers often withhold, so every mount is a probe that answers why it could not.
 */
const run = promisify(execFile);

export type FilesystemKind = 'tmpfs' | 'ext4 on a loop device';

export interface SmallFilesystem {
  kind: FilesystemKind;
  /** The mount point: use it (or a directory in it) as data.dir. */
  dir: string;
  unmount(): Promise<void>;
}

function reason(error: unknown): string {
  if (error instanceof Error && 'stderr' in error && typeof error.stderr === 'string' && error.stderr.trim() !== '') return error.stderr.trim();
  return error instanceof Error ? error.message : String(error);
}

async function unmountAndRemove(mountPoint: string, scratch: string): Promise<void> {
  // Lazy as a fallback: a server killed a moment ago may still be closing its files.
  await run('umount', [mountPoint]).catch(() => run('umount', ['-l', mountPoint]));
  rmSync(scratch, { recursive: true, force: true });
}

/** Mounts a filesystem of about `sizeBytes`; on failure answers the reason (the mount's own words). */
export async function mountSmall(kind: FilesystemKind, sizeBytes: number): Promise<SmallFilesystem | string> {
  if (process.getuid?.() !== 0) return `not root (uid ${process.getuid?.()}): mounting needs root and CAP_SYS_ADMIN`;
  const scratch = mkdtempSync(join(tmpdir(), 'larder-mount-'));
  const mountPoint = join(scratch, 'mnt');
  try {
    await run('mkdir', [mountPoint]);
    if (kind === 'tmpfs') {
      await run('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes},mode=0700`, 'tmpfs', mountPoint]);
    } else {
      const image = join(scratch, 'fs.img');
      await run('truncate', ['-s', String(sizeBytes), image]);
      // -m 0: no blocks reserved for root (the server runs as root here and would use them).
      await run('mkfs.ext4', ['-q', '-F', '-m', '0', image]);
      await run('mount', ['-o', 'loop', image, mountPoint]);
    }
  } catch (error) {
    rmSync(scratch, { recursive: true, force: true });
    return `mount of ${kind} refused: ${reason(error)}`;
  }
  return { kind, dir: mountPoint, unmount: () => unmountAndRemove(mountPoint, scratch) };
}

/**
 * Fills the filesystem holding `dir` with one file, in shrinking chunks down to a byte, until the
 * filesystem answers ENOSPC. Returns a function that deletes the file (the fault clears).
 */
export function fillUp(dir: string): { filledBytes: number; free: () => void } {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'w');
  let filledBytes = 0;
  try {
    for (let chunkBytes = 1 << 20; chunkBytes >= 1; chunkBytes >>= 2) {
      const chunk = Buffer.alloc(chunkBytes);
      for (;;) {
        try {
          filledBytes += writeSync(fd, chunk);
        } catch (error) {
          if (error instanceof Error && 'code' in error && error.code === 'ENOSPC') break;
          throw error;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return { filledBytes, free: () => unlinkSync(path) };
}
