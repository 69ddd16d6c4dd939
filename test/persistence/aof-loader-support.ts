import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../../src/engine.js';
import { restAggregate } from '../../src/commands/rest-aggregates.js';
import { MapReply, SetReply, type Reply } from '../../src/commands/reply.js';
import { baseFileName, formatManifest, incrFileName, MANIFEST_FILE_NAME } from '../../src/persistence/aof-manifest.js';
import { encodeAofHeader, encodeAofRecord, type AofOp, type AofRecord } from '../../src/persistence/aof-record.js';
import { encodeSnapshot } from '../../src/store/snapshot-encoder.js';
import type { Store } from '../../src/store/store.js';

/**
 * Collects what an append-only log writer would: the propagated forms of each top-level command
 * as one record, stamped with the time of its first form.
 */
export function recordPropagation(engine: Engine): AofRecord[] {
  const records: AofRecord[] = [];
  let ops: AofOp[] = [];
  let nowMs = 0;
  engine.dispatcher.onPropagate((db, argv, at) => {
    if (ops.length === 0) nowMs = at;
    ops.push({ db, argv: [...argv] });
  });
  engine.dispatcher.onCommandEnd(() => {
    if (ops.length > 0) records.push({ nowMs, ops });
    ops = [];
  });
  return records;
}

/**
 * One line per stored key: db, key, type, a canonical value (set members and hash fields sorted),
 * expiry, marker. With `liveAtMs`, keys expired by then are left out (whether one was reclaimed
 * yet depends on reads, which the log does not record).
 */
export function dumpStore(store: Store, liveAtMs?: number): string[] {
  const lines: string[] = [];
  store.databases().forEach((db, index) => {
    for (const [key, entry] of db.allEntries()) {
      if (liveAtMs !== undefined && entry.expiresAtMs !== 0 && entry.expiresAtMs <= liveAtMs) continue;
      const value = typeof entry.value === 'string' ? entry.value : canonical(restAggregate(entry.value));
      lines.push(JSON.stringify([index, key, entry.type, value, entry.expiresAtMs, entry.meta ?? null]));
    }
  });
  return lines.sort();
}

function canonical(reply: Reply): unknown {
  if (reply instanceof SetReply) return [...(reply.items as string[])].sort();
  if (reply instanceof MapReply) return reply.entries.map(([field, value]) => [field, String(value instanceof Object ? JSON.stringify(value) : value)]).sort();
  return reply;
}

/** Writes a log directory: an optional base snapshot of `base`, then one incremental file per element of `incrs`. */
export function writeAofDir(dir: string, options: { base?: Store; baseNowMs?: number; incrs: ReadonlyArray<readonly AofRecord[]> }): string[] {
  mkdirSync(dir, { recursive: true });
  const base = options.base === undefined ? undefined : { file: baseFileName(1), seq: 1 };
  if (base !== undefined) writeFileSync(join(dir, base.file), encodeSnapshot(options.base!, options.baseNowMs ?? 0).data);
  const incrs = options.incrs.map((records, i) => {
    const ref = { file: incrFileName(i + 1), seq: i + 1 };
    writeFileSync(join(dir, ref.file), Buffer.concat([encodeAofHeader(), ...records.map(encodeAofRecord)]));
    return ref;
  });
  writeFileSync(join(dir, MANIFEST_FILE_NAME), formatManifest({ base, incrs }));
  return [...(base ? [join(dir, base.file)] : []), ...incrs.map((ref) => join(dir, ref.file))];
}
