import { closeSync, existsSync, openSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { fsyncDirectorySync } from './atomic-file.js';
import { decodeSnapshot, fileSource, type RecordSink } from './snapshot-decoder.js';
import { SnapshotCorruptError } from './snapshot-format.js';
import type { Store } from './store.js';

export interface LoadCounts {
  keysLoaded: number;
  expiredDropped: number;
}

/**
 * Reads `file` into the (empty) `store`; undefined when there is no such file. Keys whose TTL
 * passed while the server was down are dropped and counted. Throws SnapshotCorruptError /
 * SnapshotVersionError as the decoder does; records already stored are the caller's to discard.
 */
export function loadSnapshotFile(store: Store, file: string): LoadCounts | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const counts = { keysLoaded: 0, expiredDropped: 0 };
    decodeSnapshot(fileSource(fd), file, loadingSink(store, file, counts));
    return counts;
  } finally {
    closeSync(fd);
  }
}

function loadingSink(store: Store, file: string, counts: LoadCounts): RecordSink {
  const nowMs = store.clock.nowMs();
  const databases = store.databaseCount;
  // One stamp for every loaded key: they are all created at start-up, by one clock reading.
  const stamp = store.access.fresh(nowMs);
  return (db, key, value, expiresAtMs, meta) => {
    if (db >= databases) {
      throw new Error(`snapshot ${file} holds keys for database ${db} but only ${databases} databases are configured`);
    }
    if (expiresAtMs !== 0 && expiresAtMs <= nowMs) {
      counts.expiredDropped++;
      return;
    }
    if (!store.db(db).restore(key, value, expiresAtMs, meta, stamp)) {
      throw new SnapshotCorruptError(file, undefined, `it holds key ${JSON.stringify(key)} of database ${db} twice`);
    }
    counts.keysLoaded++;
  };
}

/**
 * Renames a corrupt snapshot to `<file>.corrupt-<time>` (never over an earlier casualty: each
 * bad file is kept) and makes the rename durable. Returns the new name.
 */
export function moveAsideCorrupt(error: SnapshotCorruptError, nowMs: number): string {
  const stamp = new Date(nowMs).toISOString().replace(/[:.]/g, '-');
  let movedTo = `${error.file}.corrupt-${stamp}`;
  for (let n = 1; existsSync(movedTo); n++) movedTo = `${error.file}.corrupt-${stamp}-${n}`;
  renameSync(error.file, movedTo);
  fsyncDirectorySync(dirname(error.file));
  return movedTo;
}

export function errnoCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}
