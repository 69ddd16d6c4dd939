import * as fs from 'node:fs';

/**
 * Every file operation of the append-only log and its rewrite: one small seam, so a test can
 * stand a simulated disk behind it (test/support/simulated-disk.ts) that loses what was never
 * fsynced and fails a chosen call with ENOSPC or EIO.
 *
 * Appends and truncations are synchronous, as Redis's write(2) of its AOF buffer is: copying a
 * group of records into the page cache is short, and doing it in place keeps "written" a fact
 * the moment the call returns. Everything that waits for the device (fdatasync, a directory
 * fsync) is asynchronous and runs on libuv's thread pool, so the event loop keeps serving.
 */
export interface LogFs {
  /** Creates the directory (and its parents) if missing. */
  mkdirp(dir: string): void;
  /** Names in `dir` (not paths); [] when the directory does not exist. */
  readdir(dir: string): string[];
  /** The whole file, or undefined when it does not exist. */
  readFile(path: string): Buffer | undefined;
  /** Size in bytes of the file at `path`, or undefined when it does not exist. */
  sizeOf(path: string): number | undefined;
  /** Opens for appending (O_APPEND), creating the file empty if it is missing. */
  openAppend(path: string): number;
  /** Opens empty (truncating or creating it), for appending (O_APPEND) like `openAppend`. */
  openTruncate(path: string): number;
  /** Appends up to `length` bytes of `data` from `offset`; returns how many went out (short writes happen). */
  append(fd: number, data: Buffer, offset: number, length: number): number;
  /**
   * Appends all of `data` on the thread pool (a base file streamed while the event loop keeps
   * serving); resolves once every byte was handed to the kernel. One at a time per file.
   */
  appendAsync(fd: number, data: Buffer): Promise<void>;
  /** Cuts the file back to `sizeBytes` (undoes a partial append). */
  truncate(fd: number, sizeBytes: number): void;
  /** fdatasync(2): the file's bytes (and its size) are on the device when this resolves. */
  datasync(fd: number): Promise<void>;
  close(fd: number): void;
  /** Atomic within one directory; durable only after `syncDir`. */
  rename(from: string, to: string): void;
  unlink(path: string): void;
  /** fsync(2) of the directory: creations, renames and unlinks in it become durable. */
  syncDir(dir: string): Promise<void>;
}

/** Log files hold user data (possibly secrets): owner-only, like the snapshot. */
const FILE_MODE = 0o600;
/**
 * Every fd the log writes through is O_APPEND. `append` writes at the fd's offset, and a write
 * error is undone with ftruncate, which does not move that offset: without O_APPEND the next
 * append would land past the new end and leave a hole of zeros in the middle of the log (seen on
 * a tmpfs and ext4 that filled up: a short write, ENOSPC, truncate, then corruption at restart).
 */
const TRUNCATE_FOR_APPEND = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | fs.constants.O_APPEND;

function missing(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}

function appendOnce(fd: number, data: Buffer, offset: number, length: number): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.write(fd, data, offset, length, null, (error, bytesWritten) => (error === null ? resolve(bytesWritten) : reject(error)));
  });
}

/** The real file system. */
export const nodeLogFs: LogFs = {
  mkdirp: (dir) => void fs.mkdirSync(dir, { recursive: true }),
  readdir: (dir) => {
    try {
      return fs.readdirSync(dir);
    } catch (error) {
      if (missing(error)) return [];
      throw error;
    }
  },
  readFile: (path) => {
    try {
      return fs.readFileSync(path);
    } catch (error) {
      if (missing(error)) return undefined;
      throw error;
    }
  },
  sizeOf: (path) => {
    try {
      return fs.statSync(path).size;
    } catch (error) {
      if (missing(error)) return undefined;
      throw error;
    }
  },
  openAppend: (path) => fs.openSync(path, 'a', FILE_MODE),
  openTruncate: (path) => fs.openSync(path, TRUNCATE_FOR_APPEND, FILE_MODE),
  append: (fd, data, offset, length) => fs.writeSync(fd, data, offset, length, null),
  appendAsync: async (fd, data) => {
    for (let done = 0; done < data.length; ) {
      const bytes = await appendOnce(fd, data, done, data.length - done);
      if (bytes <= 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
      done += bytes;
    }
  },
  truncate: (fd, sizeBytes) => fs.ftruncateSync(fd, sizeBytes),
  datasync: (fd) =>
    new Promise((resolve, reject) => {
      fs.fdatasync(fd, (error) => (error === null ? resolve() : reject(error)));
    }),
  close: (fd) => fs.closeSync(fd),
  rename: (from, to) => fs.renameSync(from, to),
  unlink: (path) => fs.unlinkSync(path),
  syncDir: async (dir) => {
    const handle = await fs.promises.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
};

/** The errno code of a failed call (`ENOSPC`, `EIO` …), or undefined. */
export function errnoCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/** Short strerror(3) texts for the codes a disk produces: Redis's MISCONF message carries them. */
const STRERROR: Record<string, string> = {
  ENOSPC: 'No space left on device',
  EIO: 'Input/output error',
  EDQUOT: 'Disk quota exceeded',
  EROFS: 'Read-only file system',
  EFBIG: 'File too large',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  EBADF: 'Bad file descriptor',
};

export function strerror(code: string | undefined): string {
  if (code === undefined) return 'Unknown error';
  return STRERROR[code] ?? code;
}
