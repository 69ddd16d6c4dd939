import { dirname } from 'node:path';
import type { AofReadFs } from '../../src/persistence/aof-fs.js';
import type { LogFs } from '../../src/persistence/log-fs.js';

/**
 * A disk that remembers what an fsync made durable and what only sits in the page cache, for
 * the append log's power-loss and fault tests. Each file (an inode) has durable bytes and live
 * bytes; each directory has durable entries and live entries. `datasync` makes a file's bytes
 * durable, `syncDir` makes a directory's entries (creations, renames, unlinks) durable, and
 * `crash()` throws away everything else, as a power cut does.
 *
 * Faults: `inject` makes matching calls fail with an errno (or write only part of their bytes
 * first). A failed datasync behaves as Linux does after an I/O error: the dirty pages are
 * dropped from the durable future of that file, and a later datasync on the same descriptor
 * reports success without saving them — the reason a failed fsync must never be retried and
 * trusted.
 */
export type DiskOp = 'append' | 'appendAsync' | 'truncate' | 'datasync' | 'syncDir' | 'rename' | 'unlink' | 'open';

export interface Fault {
  op: DiskOp;
  code: 'ENOSPC' | 'EIO' | 'EDQUOT';
  /** Only calls whose path contains this text. */
  pathIncludes?: string;
  /** Matching calls to let through before failing (default 0). */
  skip?: number;
  /** How many calls fail (default: until `clearFaults`). */
  times?: number;
  /** For `append`: write this many bytes before failing (a short write). */
  partialBytes?: number;
}

interface Inode {
  live: Buffer;
  durable: Buffer;
  /** A datasync failed: the unsaved pages are gone from the durable future of this file. */
  poisoned: boolean;
}

interface OpenFile {
  path: string;
  inode: Inode;
}

/** The device answers on a later event-loop turn, as the thread pool does: a crash can fall between. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function errnoError(code: string, op: string, path: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`${code}: simulated ${op} failure, ${path}`);
  error.code = code;
  return error;
}

export class SimulatedDisk implements LogFs, AofReadFs {
  /** path → inode, as the directory reads now. */
  private liveEntries = new Map<string, Inode>();
  /** path → inode, as it would read after a crash. */
  private durableEntries = new Map<string, Inode>();
  private dirs = new Set<string>();
  private readonly fds = new Map<number, OpenFile>();
  private nextFd = 3;
  private epoch = 0;
  private faults: Array<Fault & { seen: number; failed: number }> = [];
  /** While set, fdatasync calls wait on it: a slow device, for tests of what waits for durability. */
  private syncGate: { opened: Promise<void>; open(): void } | undefined;
  /** fdatasync calls waiting for `resumeSyncs`. */
  syncsWaiting = 0;
  /** Calls per operation, for tests that fail "the Nth call". */
  readonly calls: Record<DiskOp, number> = { append: 0, appendAsync: 0, truncate: 0, datasync: 0, syncDir: 0, rename: 0, unlink: 0, open: 0 };

  /**
   * One process's view of the disk. After `crash()` every call through it fails with EIO, so a
   * process that "died" can never touch what its successor reads.
   */
  process(): LogFs & AofReadFs {
    const epoch = this.epoch;
    const dead = (): NodeJS.ErrnoException => errnoError('EIO', 'call from a crashed process', '-');
    return new Proxy(this, {
      get: (target, property, receiver) => {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        const method = value as (...args: unknown[]) => unknown;
        const asynchronous = property === 'datasync' || property === 'syncDir' || property === 'appendAsync';
        return (...args: unknown[]) => {
          if (target.epoch !== epoch) {
            if (asynchronous) return Promise.reject(dead());
            throw dead();
          }
          return method.apply(target, args);
        };
      },
    });
  }

  inject(fault: Fault): void {
    this.faults.push({ ...fault, seen: 0, failed: 0 });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** From now on fdatasync calls do not complete (a slow device) until `resumeSyncs`. */
  pauseSyncs(): void {
    if (this.syncGate !== undefined) return;
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    this.syncGate = { opened, open };
  }

  resumeSyncs(): void {
    this.syncGate?.open();
    this.syncGate = undefined;
  }

  /**
   * Power loss: every byte, creation, rename and unlink not made durable is gone, and open
   * descriptors die with the process. `keepTail` (0..1) keeps that fraction of each file's
   * unsynced appended bytes, as a half-finished writeback would: a torn last record.
   */
  crash(keepTail = 0): void {
    for (const inode of new Set(this.liveEntries.values())) this.settle(inode, keepTail);
    for (const inode of new Set(this.durableEntries.values())) this.settle(inode, keepTail);
    this.liveEntries = new Map(this.durableEntries);
    this.fds.clear();
    this.epoch++;
    this.faults = [];
  }

  /** Live paths, for assertions. */
  files(): string[] {
    return [...this.liveEntries.keys()].sort();
  }

  mkdirp(dir: string): void {
    for (let d = dir; !this.dirs.has(d) && d !== dirname(d); d = dirname(d)) this.dirs.add(d);
  }

  readdir(dir: string): string[] {
    const prefix = `${dir}/`;
    return [...this.liveEntries.keys()].filter((path) => path.startsWith(prefix) && !path.slice(prefix.length).includes('/')).map((path) => path.slice(prefix.length));
  }

  readFile(path: string): Buffer | undefined {
    const inode = this.liveEntries.get(path);
    return inode === undefined ? undefined : Buffer.from(inode.live);
  }

  sizeOf(path: string): number | undefined {
    return this.liveEntries.get(path)?.live.length;
  }

  openAppend(path: string): number {
    this.check('open', path);
    let inode = this.liveEntries.get(path);
    if (inode === undefined) {
      inode = { live: Buffer.alloc(0), durable: Buffer.alloc(0), poisoned: false };
      this.liveEntries.set(path, inode);
    }
    return this.register(path, inode);
  }

  openTruncate(path: string): number {
    this.check('open', path);
    const inode: Inode = { live: Buffer.alloc(0), durable: Buffer.alloc(0), poisoned: false };
    const old = this.liveEntries.get(path);
    // O_TRUNC on an existing file truncates that inode (its durable bytes too, once synced).
    if (old !== undefined) {
      old.live = Buffer.alloc(0);
      return this.register(path, old);
    }
    this.liveEntries.set(path, inode);
    return this.register(path, inode);
  }

  append(fd: number, data: Buffer, offset: number, length: number): number {
    const file = this.file(fd);
    const fault = this.matching('append', file.path);
    if (fault !== undefined && fault.partialBytes !== undefined && fault.partialBytes > 0) {
      const partial = Math.min(fault.partialBytes, length);
      file.inode.live = Buffer.concat([file.inode.live, data.subarray(offset, offset + partial)]);
      // The partial write itself succeeds; the next call hits the full disk.
      fault.partialBytes = 0;
      fault.failed--;
      return partial;
    }
    if (fault !== undefined) throw errnoError(fault.code, 'write', file.path);
    file.inode.live = Buffer.concat([file.inode.live, data.subarray(offset, offset + length)]);
    return length;
  }

  /** An append on the thread pool: it lands on a later turn, unless the power went out first. */
  async appendAsync(fd: number, data: Buffer): Promise<void> {
    const file = this.file(fd);
    const epoch = this.epoch;
    await nextTurn();
    if (this.epoch !== epoch) throw errnoError('EIO', 'write interrupted by a crash', file.path);
    this.check('appendAsync', file.path);
    file.inode.live = Buffer.concat([file.inode.live, data]);
  }

  truncate(fd: number, sizeBytes: number): void {
    const file = this.file(fd);
    this.check('truncate', file.path);
    file.inode.live = Buffer.from(file.inode.live.subarray(0, sizeBytes));
  }

  async datasync(fd: number): Promise<void> {
    const file = this.file(fd);
    const epoch = this.epoch;
    await nextTurn();
    while (this.syncGate !== undefined) {
      this.syncsWaiting++;
      await this.syncGate.opened;
      this.syncsWaiting--;
    }
    // A sync still in flight when the power went out saved nothing.
    if (this.epoch !== epoch) throw errnoError('EIO', 'fdatasync interrupted by a crash', file.path);
    const fault = this.matching('datasync', file.path);
    if (fault !== undefined) {
      file.inode.poisoned = true;
      throw errnoError(fault.code, 'fdatasync', file.path);
    }
    // Linux after a writeback error: the next fsync succeeds, but the lost pages stay lost.
    if (!file.inode.poisoned) file.inode.durable = Buffer.from(file.inode.live);
  }

  close(fd: number): void {
    this.file(fd);
    this.fds.delete(fd);
  }

  rename(from: string, to: string): void {
    this.check('rename', to);
    const inode = this.liveEntries.get(from);
    if (inode === undefined) throw errnoError('ENOENT', 'rename', from);
    this.liveEntries.delete(from);
    this.liveEntries.set(to, inode);
  }

  unlink(path: string): void {
    this.check('unlink', path);
    if (!this.liveEntries.delete(path)) throw errnoError('ENOENT', 'unlink', path);
  }

  async syncDir(dir: string): Promise<void> {
    const epoch = this.epoch;
    await nextTurn();
    if (this.epoch !== epoch) throw errnoError('EIO', 'directory fsync interrupted by a crash', dir);
    this.check('syncDir', dir);
    const prefix = `${dir}/`;
    for (const path of [...this.durableEntries.keys()]) {
      if (path.startsWith(prefix) && this.liveEntries.get(path) !== this.durableEntries.get(path)) this.durableEntries.delete(path);
    }
    for (const [path, inode] of this.liveEntries) if (path.startsWith(prefix)) this.durableEntries.set(path, inode);
  }

  // The read side (the loader's AofReadFs), over the live state.
  existsSync(path: string): boolean {
    return this.liveEntries.has(path) || this.dirs.has(path);
  }

  readdirSync(path: string): string[] {
    return this.readdir(path);
  }

  readFileSync(path: string): Buffer {
    const data = this.readFile(path);
    if (data === undefined) throw errnoError('ENOENT', 'open', path);
    return data;
  }

  openSync(path: string): number {
    const inode = this.liveEntries.get(path);
    if (inode === undefined) throw errnoError('ENOENT', 'open', path);
    return this.register(path, inode);
  }

  fstatSync(fd: number): { size: number } {
    return { size: this.file(fd).inode.live.length };
  }

  readSync(fd: number, buffer: Buffer, offset: number, length: number, position: number): number {
    return this.file(fd).inode.live.copy(buffer, offset, position, position + length);
  }

  closeSync(fd: number): void {
    this.close(fd);
  }

  private settle(inode: Inode, keepTail: number): void {
    const live = inode.live;
    const durable = inode.durable;
    const extendsDurable = live.length > durable.length && live.subarray(0, durable.length).equals(durable);
    const kept = extendsDurable && !inode.poisoned ? Math.floor((live.length - durable.length) * keepTail) : 0;
    inode.live = Buffer.from(live.subarray(0, durable.length + kept));
    if (kept === 0) inode.live = Buffer.from(durable);
    inode.durable = Buffer.from(inode.live);
    inode.poisoned = false;
  }

  private register(path: string, inode: Inode): number {
    const fd = this.nextFd++;
    this.fds.set(fd, { path, inode });
    return fd;
  }

  private file(fd: number): OpenFile {
    const file = this.fds.get(fd);
    if (file === undefined) throw errnoError('EBADF', 'use of a closed descriptor', String(fd));
    return file;
  }

  private check(op: DiskOp, path: string): void {
    const fault = this.matching(op, path);
    if (fault !== undefined) throw errnoError(fault.code, op, path);
  }

  /** Counts the call and returns the fault that fails it, if any. */
  private matching(op: DiskOp, path: string): (Fault & { seen: number; failed: number }) | undefined {
    this.calls[op]++;
    for (const fault of this.faults) {
      if (fault.op !== op || (fault.pathIncludes !== undefined && !path.includes(fault.pathIncludes))) continue;
      if (fault.seen++ < (fault.skip ?? 0)) continue;
      if (fault.failed >= (fault.times ?? Infinity)) continue;
      fault.failed++;
      return fault;
    }
    return undefined;
  }
}
