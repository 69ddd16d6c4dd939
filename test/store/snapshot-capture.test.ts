import { describe, expect, it } from 'vitest';
import type { AggregateValue, StoredValue } from '../../src/store/entry.js';
import { SnapshotCapture } from '../../src/store/snapshot-capture.js';
import { bufferSource, decodeSnapshot } from '../../src/store/snapshot-decoder.js';
import { encodeSnapshot, SnapshotEncoder } from '../../src/store/snapshot-encoder.js';
import type { Store } from '../../src/store/store.js';
import { HashValue } from '../../src/store/types/hash-value.js';
import { ListValue } from '../../src/store/types/list-value.js';
import { SetValue } from '../../src/store/types/set-value.js';
import { SortedSetValue } from '../../src/store/types/sorted-set-value.js';
import { testEngine, type TestEngine } from '../support/engine.js';
import { DATABASE_WRITES, seedValue, WRITE_CASES } from './snapshot-capture-writes.js';

/** One decoded record in a comparable form (hash fields and set members sorted). */
type Row = [db: number, key: string, value: unknown, expiresAtMs: number, meta: string | undefined];

function comparable(value: StoredValue): unknown {
  if (typeof value === 'string') return value;
  if (value instanceof HashValue) return ['hash', [...value.pairs()].sort()];
  if (value instanceof ListValue) return ['list', [...value]];
  if (value instanceof SetValue) return ['set', [...value].sort()];
  if (value instanceof SortedSetValue) return ['zset', [...value.ascending()].map((node) => [node.member, node.score])];
  throw new Error('unknown value type');
}

function rowsOf(image: Buffer): Row[] {
  const rows: Row[] = [];
  decodeSnapshot(bufferSource(image), 'image', (db, key, value, expiresAtMs, meta) => {
    rows.push([db, key, comparable(value), expiresAtMs, meta]);
  });
  return rows.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
}

/** A capture whose walk the test drives by hand: step(0) visits one batch of slots. */
function startCapture(store: Store): { capture: SnapshotCapture; image: () => Buffer } {
  const chunks: Buffer[] = [];
  const encoder = new SnapshotEncoder(store.clock.nowMs(), (chunk) => chunks.push(chunk));
  const capture = new SnapshotCapture(store, encoder, store.clock.nowMs());
  return {
    capture,
    image: () => {
      expect(capture.step(Infinity)).toBe(true);
      encoder.finish();
      return Buffer.concat(chunks);
    },
  };
}

const INSTANCES = 12;
const SEEDED_DATABASES = [0, 1, 2];
const START_MS = 1_700_000_000_000;

/**
 * Every write case's keys, INSTANCES times over, in databases 0–2; odd instances carry a TTL and
 * strings a REST content-type marker. Plus keys that expire during the capture (live at its start,
 * so in the image), keys already expired at the start (never in it), and an untouched key.
 */
function seeded(): TestEngine {
  const e = testEngine();
  e.clock.set(START_MS);
  for (const dbIndex of SEEDED_DATABASES) {
    const db = e.store.db(dbIndex);
    for (let i = 0; i < INSTANCES; i++) {
      const ttlMs = i % 2 === 1 ? START_MS + 3_600_000 : 0;
      for (const { command, seed } of WRITE_CASES) {
        const meta = seed === 'string' && i % 3 === 0 ? 'text/plain' : undefined;
        db.set(`${command}:${i}`, seedValue(seed, i), ttlMs, meta);
        db.set(`${command}:${i}~`, seedValue(seed, i + 1), ttlMs);
      }
      db.set(`expiring:${i}`, 'soon', START_MS + 500 + i * 100);
      db.set(`stale:${i}`, 'gone', START_MS - 1);
    }
    db.set('untouched', 'same');
  }
  return e;
}

/**
 * Runs each write case on one instance's keys in every seeded database, through a REST-door
 * session (which may also run larder.*). Until a flush empties a database, every write must work.
 */
function runWrites(e: TestEngine, instance: number, mustSucceed = true): void {
  const session = e.newSession('internal', true);
  const run = (argv: string[]) => e.dispatcher.dispatch(argv, session);
  for (const dbIndex of SEEDED_DATABASES) {
    run(['SELECT', String(dbIndex)]);
    for (const { command, argv } of WRITE_CASES) {
      const reply = run(argv(`${command}:${instance}`, `${command}:${instance}~`));
      if (mustSucceed) expect(reply, `${command} in db ${dbIndex}`).not.toBeInstanceOf(Error);
    }
    run(['SET', `created:${instance}`, 'after the start']);
  }
}

describe('a background capture is the store as it was when the capture began', () => {
  it('covers every write command in the table', () => {
    const specs = [...testEngine().dispatcher.table.all()];
    const writeCommands = specs.filter((spec) => spec.flags.includes('write')).map((spec) => spec.name);
    const covered = [...WRITE_CASES.map((c) => c.command), ...DATABASE_WRITES];
    expect(covered.sort()).toEqual(writeCommands.sort());
  });

  it('while every write command, expiry, SWAPDB, FLUSHDB and FLUSHALL run between its slices', () => {
    const e = seeded();
    const expected = rowsOf(encodeSnapshot(e.store, e.clock.nowMs()).data);
    const { capture, image } = startCapture(e.store);
    for (let instance = 0; instance < INSTANCES; instance++) {
      if (instance === 4) e.run('SWAPDB', '1', '2');
      if (instance === 7) {
        e.run('SELECT', '2');
        e.run('FLUSHDB');
      }
      if (instance === 10) e.run('FLUSHALL');
      runWrites(e, instance, instance < 7);
      e.clock.advance(150);
      e.store.activeExpireCycle({ samplesPerRound: 20, acceptableStaleRatio: 0.25, budgetMs: 1_000 });
      for (let i = 0; i < 3; i++) capture.step(0);
    }
    const rows = rowsOf(image());
    expect(capture.unannouncedWrites).toBe(0);
    expect(rows.length).toBe(expected.length);
    expect(rows).toEqual(expected);
    expect(rows.some(([, key]) => key.startsWith('expiring:'))).toBe(true);
  });

  it('includes each key once whether the walk reached it before or after its write', () => {
    const e = seeded();
    const expected = rowsOf(encodeSnapshot(e.store, e.clock.nowMs()).data);
    const { capture, image } = startCapture(e.store);
    // Half of database 0 walked, then everything written: both sides of the cursor are hit.
    for (let i = 0; i < 10; i++) capture.step(0);
    for (let instance = 0; instance < INSTANCES; instance++) runWrites(e, instance);
    expect(rowsOf(image())).toEqual(expected);
    expect(capture.unannouncedWrites).toBe(0);
  });

  it('stops observing the store once done, so writes cost nothing afterwards', () => {
    const e = seeded();
    const { capture, image } = startCapture(e.store);
    image();
    e.run('HSET', 'hset:0', 'f1', 'later');
    e.store.db(0).touch('hset:0');
    expect(capture.unannouncedWrites).toBe(0);
  });

  it('notices a value changed in place without lookupForWrite (and keeps the key)', () => {
    const e = seeded();
    const { capture, image } = startCapture(e.store);
    const entry = e.store.db(2).lookup('hset:5', e.clock.nowMs())!;
    (entry.value as HashValue).set('f1', 'sneaky');
    e.store.db(2).touch('hset:5');
    expect(capture.unannouncedWrites).toBe(1);
    const row = rowsOf(image()).find(([db, key]) => db === 2 && key === 'hset:5');
    expect(row?.[2]).toEqual(['hash', [['f1', 'sneaky'], ['f2', '2.5'], ['f3', 'v5']]]);
  });

  it('fails the snapshot, not the client, when copying a value before a write fails', () => {
    const e = seeded();
    const unsavable = { type: 'stream', clone: () => unsavable } as unknown as AggregateValue;
    e.store.db(0).set('unsavable', unsavable);
    const { capture } = startCapture(e.store);
    expect(e.run('DEL', 'unsavable')).toBe(1);
    expect(() => capture.step(Infinity)).toThrow('snapshots cannot store stream values');
    expect(e.store.db(0).observed).toBe(false);
  });
});
