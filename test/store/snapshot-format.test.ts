import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/store/clock.js';
import { bufferSource, decodeSnapshot } from '../../src/store/snapshot-decoder.js';
import { encodeSnapshot } from '../../src/store/snapshot-encoder.js';
import { loadSnapshotFile } from '../../src/store/snapshot-loader.js';
import {
  BLOCK_HEADER_BYTES,
  BLOCK_TARGET_BYTES,
  HEADER_BYTES,
  SnapshotCorruptError,
  SnapshotVersionError,
  TRAILER_BYTES,
} from '../../src/store/snapshot-format.js';
import { Store } from '../../src/store/store.js';

const FILE = '/data/larder.snapshot';
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString('latin1');

type Row = [db: number, key: string, value: unknown, expiresAtMs: number, meta: string | undefined];

function storeWithEverything(clock = new ManualClock()): Store {
  const store = new Store({ clock });
  const nowMs = clock.nowMs();
  store.db(0).set('plain', 'hello');
  store.db(0).set(ALL_BYTES, ALL_BYTES);
  store.db(0).set('', '');
  store.db(0).set('json', '{"a":[1,2]}', 0, 'application/json');
  store.db(0).set('typed', '\u00ff\u0000raw', nowMs + 60_000, 'text/x-ünïcode; charset=utf-8');
  store.db(3).set('ttl', 'soon', nowMs + 1_500);
  store.db(15).set('plain', 'in the last db', nowMs + 2 ** 52);
  return store;
}

function rowsOf(store: Store): Row[] {
  const rows: Row[] = [];
  store.databases().forEach((db, index) => {
    for (const [key, entry] of db.allEntries()) rows.push([index, key, entry.value, entry.expiresAtMs, entry.meta]);
  });
  return rows.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
}

function decodeRows(data: Buffer): Row[] {
  const rows: Row[] = [];
  decodeSnapshot(bufferSource(data), FILE, (db, key, value, expiresAtMs, meta) => rows.push([db, key, value, expiresAtMs, meta]));
  return rows.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
}

function corruptError(data: Buffer): SnapshotCorruptError {
  try {
    decodeSnapshot(bufferSource(data), FILE, () => {});
  } catch (error) {
    if (error instanceof SnapshotCorruptError) return error;
    throw error;
  }
  throw new Error('the damaged snapshot decoded without an error');
}

/** A deterministic PRNG (mulberry32) so a failing corruption case can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Recomputes every checksum of a single-block snapshot after a deliberate edit. */
function reseal(data: Buffer): Buffer {
  const payloadBytes = data.readUInt32BE(HEADER_BYTES);
  const payloadStart = HEADER_BYTES + BLOCK_HEADER_BYTES;
  const bodyCrc = crc32(data.subarray(payloadStart, payloadStart + payloadBytes));
  data.writeUInt32BE(bodyCrc, HEADER_BYTES + 4);
  const trailer = payloadStart + payloadBytes;
  data.writeUInt32BE(bodyCrc, trailer + 4);
  data.writeUInt32BE(crc32(data.subarray(trailer, trailer + TRAILER_BYTES - 4)), trailer + TRAILER_BYTES - 4);
  data.writeUInt32BE(crc32(data.subarray(0, HEADER_BYTES - 4)), HEADER_BYTES - 4);
  return data;
}

describe('snapshot format', () => {
  it('round-trips every stored field: binary keys and values, TTLs, meta, several databases', () => {
    const store = storeWithEverything();
    const { data, records } = encodeSnapshot(store, store.clock.nowMs());
    expect(records).toBe(7);
    expect(decodeRows(data)).toEqual(rowsOf(store));
  });

  it('round-trips a snapshot of many blocks, including a value larger than a block', () => {
    const store = new Store({ clock: new ManualClock() });
    for (let i = 0; i < 5_000; i++) store.db(i % 4).set(`key:${i}`, `value:${i}`.repeat(5));
    store.db(1).set('big', 'x'.repeat(3 * BLOCK_TARGET_BYTES));
    const { data } = encodeSnapshot(store, store.clock.nowMs());
    expect(data.length).toBeGreaterThan(4 * BLOCK_TARGET_BYTES);
    expect(decodeRows(data)).toEqual(rowsOf(store));
  });

  it('leaves out keys already expired when the snapshot is taken', () => {
    const clock = new ManualClock();
    const store = storeWithEverything(clock);
    clock.advance(1_500);
    const rows = decodeRows(encodeSnapshot(store, clock.nowMs()).data);
    expect(rows.map(([db, key]) => `${db}:${key}`)).not.toContain('3:ttl');
    expect(rows).toHaveLength(6);
  });

  it('encodes an empty store as a header and an end marker only', () => {
    const store = new Store({ clock: new ManualClock() });
    const { data } = encodeSnapshot(store, 0);
    expect(data.length).toBe(HEADER_BYTES + TRAILER_BYTES);
    expect(decodeRows(data)).toEqual([]);
  });

  it('refuses every truncation, naming the file and an offset inside what is left', () => {
    const store = storeWithEverything();
    const { data } = encodeSnapshot(store, store.clock.nowMs());
    for (let length = 0; length < data.length; length++) {
      const error = corruptError(data.subarray(0, length));
      expect(error.message).toContain(FILE);
      expect(error.offset).toBeLessThanOrEqual(length);
      expect(error.message).toMatch(/at offset \d+/);
    }
  });

  it('refuses a random single-byte corruption at every offset', () => {
    const store = storeWithEverything();
    const { data } = encodeSnapshot(store, store.clock.nowMs());
    const next = random(20240601);
    for (let position = 0; position < data.length; position++) {
      const damaged = Buffer.from(data);
      damaged[position] = damaged[position]! ^ (1 + Math.floor(next() * 255));
      const error = corruptError(damaged);
      expect(error.offset).toBeLessThanOrEqual(position);
    }
  });

  it('locates corruption in a large snapshot to the block that holds it', () => {
    const store = new Store({ clock: new ManualClock() });
    for (let i = 0; i < 20_000; i++) store.db(0).set(`key:${i}`, `value:${i}`.padEnd(100, '.'));
    const { data } = encodeSnapshot(store, 0);
    const next = random(7);
    for (let round = 0; round < 20; round++) {
      const position = HEADER_BYTES + Math.floor(next() * (data.length - HEADER_BYTES - TRAILER_BYTES));
      const damaged = Buffer.from(data);
      damaged[position] = damaged[position]! ^ 0x01;
      const error = corruptError(damaged);
      expect(error.offset).toBeLessThanOrEqual(position);
      expect(position - error.offset!).toBeLessThan(BLOCK_TARGET_BYTES + 1_024);
    }
  });

  it('refuses bytes after the end marker', () => {
    const { data } = encodeSnapshot(storeWithEverything(), 0);
    const error = corruptError(Buffer.concat([data, Buffer.from([0])]));
    expect(error.offset).toBe(data.length);
    expect(error.reason).toContain('unexpected bytes after the end marker');
  });

  it('refuses a file that is not a snapshot', () => {
    const error = corruptError(Buffer.from('REDIS0011 this is an RDB file, not ours'));
    expect(error.offset).toBe(0);
    expect(error.reason).toContain('bad magic');
  });

  it('refuses an intact file from a newer format version without calling it corrupt', () => {
    const { data } = encodeSnapshot(storeWithEverything(), 0);
    data.writeUInt16BE(2, 8);
    const decode = () => decodeSnapshot(bufferSource(reseal(data)), FILE, () => {});
    expect(decode).toThrow(SnapshotVersionError);
    expect(decode).toThrow(`snapshot ${FILE} cannot be read by this version of Larder: it has format version 2; this build reads version 1`);
  });

  it('refuses an intact record of a value type this build has no codec for', () => {
    const store = new Store({ clock: new ManualClock() });
    store.db(0).set('k', 'v');
    const { data } = encodeSnapshot(store, 0);
    data[HEADER_BYTES + BLOCK_HEADER_BYTES] = 9;
    expect(() => decodeSnapshot(bufferSource(reseal(data)), FILE, () => {})).toThrow(
      `the record at offset ${HEADER_BYTES + BLOCK_HEADER_BYTES} has value type 9`,
    );
  });

  it('a sealed snapshot that holds a key twice is refused as corrupt when loaded', () => {
    const store = new Store({ clock: new ManualClock() });
    store.db(0).set('key-a', 'first');
    store.db(0).set('key-b', 'second');
    const data = encodeSnapshot(store, store.clock.nowMs()).data;
    const second = data.indexOf('key-b', 0, 'latin1');
    data.write('key-a', second, 'latin1');
    const dir = mkdtempSync(join(tmpdir(), 'larder-snapshot-twice-'));
    try {
      const file = join(dir, 'twice.snapshot');
      writeFileSync(file, reseal(data));
      const loading = new Store({ clock: new ManualClock() });
      expect(() => loadSnapshotFile(loading, file)).toThrow(`snapshot ${file} is corrupt: it holds key "key-a" of database 0 twice`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
