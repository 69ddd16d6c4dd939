import * as fs from 'node:fs';

/**
 * The file-system reads the append-only log's loader, reader and checker make. A seam, so a test's
 * simulated disk (which drops un-fsynced bytes at a "power loss") can serve the files back; the
 * names and shapes are node:fs's own, so `node:fs` itself is the production implementation.
 */
export interface AofReadFs {
  existsSync(path: string): boolean;
  readdirSync(path: string): string[];
  readFileSync(path: string): Buffer;
  openSync(path: string, flags: 'r'): number;
  fstatSync(fd: number): { size: number };
  /** Up to `length` bytes at file position `position` into `buffer[offset…]`; 0 at end of file. */
  readSync(fd: number, buffer: Buffer, offset: number, length: number, position: number): number;
  closeSync(fd: number): void;
}

export const nodeAofReadFs: AofReadFs = fs;

/** Bytes read from the file per system call while streaming records. */
const CHUNK_BYTES = 1 << 20;

/**
 * Sequential reads of one open file through a reusable window, so streaming a log costs one
 * system call per MiB, not two per record. Views it returns stay valid until the next call.
 */
export class FileWindow {
  private window = Buffer.alloc(0);
  private windowStart = 0;

  constructor(
    private readonly io: AofReadFs,
    private readonly fd: number,
    readonly sizeBytes: number,
  ) {}

  /** `length` bytes at `position`, or fewer when the file ends first. */
  read(position: number, length: number): Buffer {
    const end = Math.min(position + length, this.sizeBytes);
    if (end <= position) return Buffer.alloc(0);
    const windowEnd = this.windowStart + this.window.length;
    if (position < this.windowStart || end > windowEnd) this.fill(position, end - position);
    return this.window.subarray(position - this.windowStart, Math.min(end, this.windowStart + this.window.length) - this.windowStart);
  }

  /** Whether every byte from `position` to the end of the file is zero. */
  zeroFrom(position: number): boolean {
    for (let at = position; at < this.sizeBytes; at += CHUNK_BYTES) {
      const chunk = this.read(at, CHUNK_BYTES);
      if (chunk.length === 0) return true;
      for (const byte of chunk) if (byte !== 0) return false;
    }
    return true;
  }

  private fill(position: number, minBytes: number): void {
    const wanted = Math.min(Math.max(minBytes, CHUNK_BYTES), this.sizeBytes - position);
    const buffer = this.window.length >= wanted ? this.window : Buffer.allocUnsafe(wanted);
    let filled = 0;
    while (filled < wanted) {
      const bytesRead = this.io.readSync(this.fd, buffer, filled, wanted - filled, position + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    this.window = buffer.subarray(0, filled);
    this.windowStart = position;
  }
}

/** Opens `path`, hands a window over it to `use`, and closes it whatever happens. */
export function withFileWindow<T>(io: AofReadFs, path: string, use: (window: FileWindow) => T): T {
  const fd = io.openSync(path, 'r');
  try {
    return use(new FileWindow(io, fd, io.fstatSync(fd).size));
  } finally {
    io.closeSync(fd);
  }
}
