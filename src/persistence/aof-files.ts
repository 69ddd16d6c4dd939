import { join } from 'node:path';
import { encodeAofHeader } from './aof-record.js';
import { baseFileName, formatManifest, incrFileName, MANIFEST_FILE_NAME, parseManifest, type AofManifest } from './aof-manifest.js';
import type { LogFs } from './log-fs.js';
import type { Segment } from './aof-writer.js';

/** Every name the log may leave in its directory: its files, the manifest, and their temp files. */
const LOG_FILE = /^larder\.aof\.(\d+)\.(base\.snapshot|incr\.aof)(\.tmp)?$|^larder\.aof\.manifest(\.tmp)?$/;

/**
 * The append-only log's directory through the file seam: the manifest, the files it lists, and
 * the durable replacement of either. Nothing here decides when; `AppendLog` does.
 */
export class AofDirectory {
  constructor(
    readonly dir: string,
    private readonly fs: LogFs,
  ) {}

  path(name: string): string {
    return join(this.dir, name);
  }

  /** The manifest in force, or undefined when the directory holds none (a first start). */
  readManifest(): AofManifest | undefined {
    const text = this.fs.readFile(this.path(MANIFEST_FILE_NAME));
    return text === undefined ? undefined : parseManifest(text.toString('latin1'), this.path(MANIFEST_FILE_NAME));
  }

  /** One more than every sequence number in use, listed or left over from an interrupted rewrite. */
  nextSeq(manifest: AofManifest | undefined): number {
    let highest = Math.max(manifest?.base?.seq ?? 0, ...(manifest?.incrs ?? []).map((incr) => incr.seq));
    for (const name of this.fs.readdir(this.dir)) {
      const seq = Number(LOG_FILE.exec(name)?.[1] ?? 0);
      if (seq > highest) highest = seq;
    }
    return highest + 1;
  }

  /** Opens the last incremental file for appending; `sizeBytes` must end at its last complete record. */
  openIncr(name: string): Segment {
    const path = this.path(name);
    const fd = this.fs.openAppend(path);
    return { path, fd, sizeBytes: this.fs.sizeOf(path) ?? 0 };
  }

  /** Creates an incremental file holding only its header (not yet durable: the manifest switch syncs it). */
  createIncr(seq: number): Segment {
    const path = this.path(incrFileName(seq));
    const fd = this.fs.openTruncate(path);
    try {
      const header = encodeAofHeader();
      appendAll(this.fs, fd, header);
      return { path, fd, sizeBytes: header.length };
    } catch (error) {
      this.fs.close(fd);
      throw error;
    }
  }

  /** Writes a base file: temp → fdatasync → rename → fsync directory. */
  async writeBase(seq: number, data: Buffer): Promise<void> {
    await this.replaceDurably(baseFileName(seq), data);
  }

  /** Replaces the manifest atomically and durably: after this, a restart loads exactly `manifest`. */
  async writeManifest(manifest: AofManifest): Promise<void> {
    await this.replaceDurably(MANIFEST_FILE_NAME, Buffer.from(formatManifest(manifest), 'latin1'));
  }

  /** Removes log files the manifest does not list (replaced ones, leftovers of a failed rewrite). */
  async removeUnlisted(manifest: AofManifest): Promise<number> {
    const listed = new Set([MANIFEST_FILE_NAME, ...(manifest.base === undefined ? [] : [manifest.base.file]), ...manifest.incrs.map((incr) => incr.file)]);
    let removed = 0;
    for (const name of this.fs.readdir(this.dir)) {
      if (!LOG_FILE.test(name) || listed.has(name)) continue;
      this.fs.unlink(this.path(name));
      removed++;
    }
    if (removed > 0) await this.fs.syncDir(this.dir);
    return removed;
  }

  sizeOf(name: string): number {
    return this.fs.sizeOf(this.path(name)) ?? 0;
  }

  private async replaceDurably(name: string, data: Buffer): Promise<void> {
    const temp = this.path(`${name}.tmp`);
    try {
      const fd = this.fs.openTruncate(temp);
      try {
        appendAll(this.fs, fd, data);
        await this.fs.datasync(fd);
      } finally {
        this.fs.close(fd);
      }
      this.fs.rename(temp, this.path(name));
    } catch (error) {
      try {
        this.fs.unlink(temp);
      } catch {
        // The temp file may not exist; the original error is the one that matters.
      }
      throw error;
    }
    await this.fs.syncDir(this.dir);
  }
}

/** Appends all of `data` (a short write is followed by another call, which reports the error). */
export function appendAll(fs: LogFs, fd: number, data: Buffer): void {
  for (let written = 0; written < data.length; ) {
    const bytes = fs.append(fd, data, written, data.length - written);
    if (bytes <= 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
    written += bytes;
  }
}
