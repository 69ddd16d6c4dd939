import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../../src/engine.js';
import { restAggregate } from '../../src/commands/rest-aggregates.js';
import { MapReply, SetReply, type Reply } from '../../src/commands/reply.js';
import { baseFileName, formatManifest, incrFileName, MANIFEST_FILE_NAME } from '../../src/persistence/aof-manifest.js';
import { encodeAofHeader, encodeAofRecord, type AofOp, type AofRecord } from '../../src/persistence/aof-record.js';
import { encodeSnapshot } from '../../src/store/snapshot-encoder.js';
import type { Store } from '../../src/store/store.js';
import { seededRandom } from '../support/seeded-random.js';

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

export { seededRandom };

/**
 * A mixed write workload over a few keys of every type, with relative TTLs that pass while it
 * runs, wrong-type errors, random pops, transactions and database switches.
 */
export function runWorkload(engine: Engine & { run(...argv: Array<string | number>): Reply; clock: { advance(ms: number): void } }, steps: number, random: () => number): void {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const key = () => `k${Math.floor(random() * 12)}`;
  const int = (max: number) => Math.floor(random() * max);
  const commands: Array<() => Array<string | number>> = [
    () => ['SET', key(), `v${int(1000)}`, ...pick([[], ['EX', 1 + int(5)], ['PX', 1 + int(3000)], ['KEEPTTL'], ['NX'], ['XX', 'GET']])],
    () => ['INCRBY', key(), int(100)],
    () => ['INCRBYFLOAT', key(), (random() * 10).toFixed(3)],
    () => ['APPEND', key(), 'abc'],
    () => ['HSET', key(), `f${int(4)}`, int(50)],
    () => ['HINCRBYFLOAT', key(), `f${int(4)}`, '1.5'],
    () => ['RPUSH', key(), `i${int(100)}`, `j${int(100)}`],
    () => ['LPOP', key()],
    () => ['SADD', key(), `m${int(20)}`, `n${int(20)}`, `o${int(20)}`],
    () => ['SPOP', key(), ...pick([[], [2]])],
    () => ['ZADD', key(), random() * 100, `z${int(10)}`],
    () => ['ZINCRBY', key(), 0.25, `z${int(10)}`],
    () => [pick(['EXPIRE', 'PEXPIRE']), key(), pick([-1, 2, 500, 3000])],
    () => ['GETEX', key(), ...pick([['PERSIST'], ['PX', 1 + int(2000)]])],
    () => ['DEL', key()],
    () => ['SELECT', int(3)],
  ];
  for (let step = 0; step < steps; step++) {
    engine.clock.advance(int(700));
    if (random() < 0.1) {
      engine.run('MULTI');
      for (let i = 0; i < 3; i++) engine.run(...pick(commands)());
      engine.run('EXEC');
    } else {
      engine.run(...pick(commands)());
    }
  }
}
