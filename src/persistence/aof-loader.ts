import { join } from 'node:path';
import type { Dispatcher } from '../commands/dispatcher.js';
import type { ClientSession } from '../commands/types.js';
import { CommandError } from '../errors.js';
import { decodeSnapshot, type ByteSource } from '../store/snapshot-decoder.js';
import { SnapshotCorruptError } from '../store/snapshot-format.js';
import type { Store } from '../store/store.js';
import { nodeAofReadFs, type AofReadFs } from './aof-fs.js';
import { MANIFEST_FILE_NAME, parseManifest, type AofFileRef } from './aof-manifest.js';
import { AofCorruptError, readAofFile } from './aof-reader.js';
import { AOF_HEADER_BYTES, type AofRecord } from './aof-record.js';

export type AofLog = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

export interface AofLoadOptions {
  /** The log's directory: the manifest and the files it lists. */
  dir: string;
  /** Must be empty. */
  store: Store;
  dispatcher: Dispatcher;
  /**
   * The last incremental file ends inside a record (a crash mid-append): `load` keeps the
   * complete records before it and warns, naming the file and offset; `refuse` stops start-up.
   * A truncated record anywhere else is corruption either way.
   */
  onTruncatedTail: 'load' | 'refuse';
  log: AofLog;
  fs?: AofReadFs;
}

export interface AofLoadResult {
  /** `none`: no manifest, so no log to load (the caller may fall back to the snapshot). */
  source: 'aof' | 'none';
  /** Keys in the store once the whole log has replayed. */
  keysLoaded: number;
  recordsReplayed: number;
  /**
   * Set when the last file's incomplete record was dropped. Its bytes are still in the file: a
   * writer must truncate the file to `offset` before appending to it (or start a new file), or
   * the next load would find them in the middle of the log and refuse it as corrupt.
   */
  truncated?: { file: string; offset: number };
}

/**
 * Rebuilds the store from the append-only log: the base snapshot, then every incremental file in
 * manifest order, each record replayed through the dispatcher with the clock pinned to the instant
 * it was recorded. Any damage, or a record the engine answers with an error (the log does not
 * match this engine or its configuration), throws AofCorruptError naming the file and the offset,
 * and leaves the store empty: start-up never goes on with part of a log.
 *
 * Keys in the base whose TTL has passed are kept while the log replays: a record made while such
 * a key was still live (APPEND, INCR …) must find it, or its replay would build a different value
 * without the TTL. Once loaded they are reclaimed like any expired key (lazily or by the sweep).
 */
export function loadAof(options: AofLoadOptions): AofLoadResult {
  const io = options.fs ?? nodeAofReadFs;
  const manifestPath = join(options.dir, MANIFEST_FILE_NAME);
  if (!io.existsSync(manifestPath)) {
    warnAboutOrphans(options, io);
    return { source: 'none', keysLoaded: 0, recordsReplayed: 0 };
  }
  const { store } = options;
  if (store.totalKeys() > 0) throw new Error('loadAof() needs an empty store');
  const startedMs = performance.now();
  try {
    const manifest = parseManifest(io.readFileSync(manifestPath).toString('utf8'), manifestPath);
    if (manifest.base !== undefined) loadBase(join(options.dir, manifest.base.file), options, io);
    const replayer = new Replayer(options);
    let truncated: AofLoadResult['truncated'];
    manifest.incrs.forEach((incr, index) => {
      truncated = replayer.replayFile(incrPath(options.dir, incr, io), index === manifest.incrs.length - 1, io);
    });
    store.dirty = 0;
    const result = { source: 'aof' as const, keysLoaded: store.totalKeys(), recordsReplayed: replayer.records, ...(truncated && { truncated }) };
    const durationMs = Math.round(performance.now() - startedMs);
    options.log('info', 'append-only log loaded', { dir: options.dir, files: manifest.incrs.length + (manifest.base ? 1 : 0), ...result, durationMs });
    return result;
  } catch (error) {
    store.flushAll();
    store.dirty = 0;
    throw error instanceof SnapshotCorruptError ? new AofCorruptError(error.file, error.offset ?? 0, error.reason, error.message) : error;
  }
}

function incrPath(dir: string, incr: AofFileRef, io: AofReadFs): string {
  const path = join(dir, incr.file);
  if (!io.existsSync(path)) throw new AofCorruptError(path, 0, 'the manifest lists this file but it does not exist');
  return path;
}

function loadBase(path: string, options: AofLoadOptions, io: AofReadFs): void {
  if (!io.existsSync(path)) throw new AofCorruptError(path, 0, 'the manifest lists this base file but it does not exist');
  const { store } = options;
  const fd = io.openSync(path, 'r');
  try {
    decodeSnapshot(fsByteSource(io, fd), path, (db, key, value, expiresAtMs, meta) => {
      if (db >= store.databaseCount) {
        throw new Error(`${path} holds keys for database ${db} but only ${store.databaseCount} databases are configured`);
      }
      store.db(db).set(key, value, expiresAtMs, meta);
    });
  } finally {
    io.closeSync(fd);
  }
}

/** The snapshot decoder's random-access reads, through the seam; each read is a fresh buffer. */
function fsByteSource(io: AofReadFs, fd: number): ByteSource {
  return {
    sizeBytes: io.fstatSync(fd).size,
    read(position, length) {
      const chunk = Buffer.allocUnsafe(length);
      let filled = 0;
      while (filled < length) {
        const bytesRead = io.readSync(fd, chunk, filled, length - filled, position + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return chunk.subarray(0, filled);
    },
  };
}

/** Replays records through the dispatcher in one internal session. */
class Replayer {
  records = 0;
  private readonly session: ClientSession = {
    id: 0, door: 'internal', db: 0, protocol: 2, name: 'aof-loader', authenticated: true, transaction: undefined,
  };

  constructor(private readonly options: AofLoadOptions) {}

  replayFile(path: string, isLast: boolean, io: AofReadFs): AofLoadResult['truncated'] {
    let recordStart = AOF_HEADER_BYTES;
    const { truncatedAt, validBytes } = readAofFile(
      path,
      (record, endOffset) => {
        this.replayRecord(record, path, recordStart);
        recordStart = endOffset;
      },
      io,
    );
    if (truncatedAt === undefined) return undefined;
    if (!isLast) throw new AofCorruptError(path, truncatedAt, 'the file ends inside a record, and it is not the last file of the log');
    if (this.options.onTruncatedTail === 'refuse') {
      throw new AofCorruptError(path, truncatedAt, 'the last record is incomplete (truncated tail; loading it is refused by configuration)');
    }
    this.options.log('warn', `append-only log ${path} ends with an incomplete record at offset ${truncatedAt}; loaded the ${validBytes} bytes before it`, {
      file: path,
      offset: truncatedAt,
    });
    return { file: path, offset: truncatedAt };
  }

  private replayRecord(record: AofRecord, path: string, offset: number): void {
    const databases = this.options.store.databaseCount;
    for (const op of record.ops) {
      if (op.db >= databases) {
        throw new AofCorruptError(path, offset, `a command for database ${op.db}, but only ${databases} databases are configured`);
      }
      this.session.db = op.db;
      const reply = this.options.dispatcher.replay([...op.argv], this.session, record.nowMs);
      if (reply instanceof CommandError) {
        const name = op.argv[0] ?? '';
        throw new AofCorruptError(path, offset, `replaying '${name}' failed with "${reply.message}": the log does not match this engine or its configuration`);
      }
    }
    this.records++;
  }
}

/** Log files without a manifest are left over from a crash before the first manifest was written. */
function warnAboutOrphans(options: AofLoadOptions, io: AofReadFs): void {
  if (!io.existsSync(options.dir)) return;
  const orphans = io.readdirSync(options.dir).filter((name) => name.startsWith('larder.aof.'));
  if (orphans.length > 0) {
    options.log('warn', `append-only log files without a manifest in ${options.dir} were not loaded`, { files: orphans });
  }
}
