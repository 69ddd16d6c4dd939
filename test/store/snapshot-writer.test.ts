import type { FileHandle } from 'node:fs/promises';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeFs, type AtomicFs } from '../../src/store/atomic-file.js';
import { ManualClock } from '../../src/store/clock.js';
import { bufferSource, decodeSnapshot } from '../../src/store/snapshot-decoder.js';
import { encodeSnapshot } from '../../src/store/snapshot-encoder.js';
import { loadSnapshotFile } from '../../src/store/snapshot-loader.js';
import { writeSnapshotInBackground, writeSnapshotSync } from '../../src/store/snapshot-writer.js';
import { Store } from '../../src/store/store.js';
import { HashValue } from '../../src/store/types/hash-value.js';

let dataDir: string;
let file: string;
const clock = new ManualClock(1_700_000_000_000);

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'larder-snapshot-writer-'));
  file = join(dataDir, 'larder.snapshot');
});

afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

/** Enough keys for several 1 MiB chunks and many walk slices; a few in other databases, with TTLs. */
function filledStore(keys = 30_000): Store {
  const store = new Store({ clock });
  for (let i = 0; i < keys; i++) {
    store.db(0).set(`key:${i}`, `value:${i}`.padEnd(100, 'x'), i % 7 === 0 ? clock.nowMs() + 60_000 : 0);
  }
  store.db(3).set('hash', HashValue.of([['f', 'v']]));
  store.db(15).set('json', '{"a":1}', 0, 'application/json');
  return store;
}

/** Counts event-loop turns until `promise` settles. */
async function turnsWhile<T>(promise: Promise<T>): Promise<{ value: T; turns: number }> {
  let turns = 0;
  let settled = false;
  const spin = (): void => {
    if (settled) return;
    turns++;
    setImmediate(spin);
  };
  setImmediate(spin);
  const value = await promise.finally(() => {
    settled = true;
  });
  return { value, turns };
}

describe('writeSnapshotInBackground', () => {
  it('writes the same bytes as a synchronous encode of an unchanging store', async () => {
    const store = filledStore();
    const { done, capturedAtMs } = writeSnapshotInBackground(store, file, { nowMs: clock.nowMs() });
    const result = await done;
    const expected = encodeSnapshot(store, capturedAtMs);
    expect(readFileSync(file).equals(expected.data)).toBe(true);
    expect(result).toMatchObject({ records: expected.records, bytes: expected.data.length, unannouncedWrites: 0 });
    expect(readdirSync(dataDir)).toEqual(['larder.snapshot']);
  });

  it('lets the event loop turn between slices of the walk', async () => {
    const store = filledStore();
    // sliceMs 0: one batch of 128 slots per slice, so the count of turns does not depend on speed.
    const { turns } = await turnsWhile(writeSnapshotInBackground(store, file, { nowMs: clock.nowMs(), sliceMs: 0 }).done);
    expect(turns).toBeGreaterThanOrEqual(30_000 / 128);
  });

  it('writes a file the loader reads back, with writes made meanwhile left out', async () => {
    const store = filledStore();
    const { done } = writeSnapshotInBackground(store, file, { nowMs: clock.nowMs(), sliceMs: 0 });
    store.db(0).set('key:29999', 'changed');
    store.db(0).delete('key:29998');
    store.db(0).set('new', 'later');
    store.flushAll();
    await done;
    const reloaded = new Store({ clock });
    expect(loadSnapshotFile(reloaded, file)).toEqual({ keysLoaded: 30_002, expiredDropped: 0 });
    expect(reloaded.db(0).peek('key:29999')?.value).toBe('value:29999'.padEnd(100, 'x'));
    expect(reloaded.db(0).peek('key:29998')).toBeDefined();
    expect(reloaded.db(0).peek('new')).toBeUndefined();
    expect(reloaded.db(15).peek('json')?.meta).toBe('application/json');
  });

  it('runs two captures at once, each showing its own moment (BGSAVE beside a log rewrite)', async () => {
    const store = filledStore();
    const early = encodeSnapshot(store, clock.nowMs());
    const first = writeSnapshotInBackground(store, file, { nowMs: clock.nowMs(), sliceMs: 0 });
    for (let i = 0; i < 100; i++) store.db(0).set(`key:${i * 300}`, 'between');
    const late = encodeSnapshot(store, clock.nowMs());
    const second = writeSnapshotInBackground(store, `${file}.2`, { nowMs: clock.nowMs(), sliceMs: 0 });
    for (let i = 0; i < 100; i++) store.db(0).delete(`key:${i * 300 + 1}`);
    await Promise.all([first.done, second.done]);
    expect(readFileSync(file).equals(early.data)).toBe(false);
    expect(sortedRows(readFileSync(file))).toEqual(sortedRows(early.data));
    expect(sortedRows(readFileSync(`${file}.2`))).toEqual(sortedRows(late.data));
  });

  it('leaves the previous file intact and stops observing the store when a write fails', async () => {
    writeFileSync(file, 'previous');
    const store = filledStore();
    const { done } = writeSnapshotInBackground(store, file, { nowMs: clock.nowMs(), io: fsFailingWriteNumber(3) });
    expect(store.db(0).observed).toBe(true);
    await expect(done).rejects.toThrow('ENOSPC');
    expect(readFileSync(file, 'latin1')).toBe('previous');
    expect(readdirSync(dataDir)).toEqual(['larder.snapshot']);
    expect(store.databases().some((db) => db.observed)).toBe(false);
  });
});

describe('writeSnapshotSync (SAVE)', () => {
  it('streams the same bytes encodeSnapshot builds in memory', () => {
    const store = filledStore();
    const result = writeSnapshotSync(store, file, { nowMs: clock.nowMs() });
    const expected = encodeSnapshot(store, clock.nowMs());
    expect(readFileSync(file).equals(expected.data)).toBe(true);
    expect(result).toEqual({ records: expected.records, bytes: expected.data.length });
  });
});

/** Records as sortable text: a capture writes keys changed ahead of its walk out of slot order. */
function sortedRows(image: Buffer): string[] {
  const rows: string[] = [];
  decodeSnapshot(bufferSource(image), 'image', (db, key, value, expiresAtMs) => {
    rows.push(JSON.stringify([db, key, value, expiresAtMs]));
  });
  return rows.sort();
}

function errnoError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: injected failure`), { code });
}

/** The real file system, except that the `failing`-th write to an opened file fails (a full disk). */
function fsFailingWriteNumber(failing: number): AtomicFs {
  let writes = 0;
  const open = async (path: string, flags: string, mode?: number): Promise<FileHandle> => {
    const handle = await nodeFs.promises.open(path, flags, mode);
    const write = handle.write.bind(handle) as (...args: unknown[]) => Promise<unknown>;
    return Object.assign(handle, {
      write: (...args: unknown[]) => (++writes === failing ? Promise.reject(errnoError('ENOSPC')) : write(...args)),
    });
  };
  return { ...nodeFs, promises: { ...nodeFs.promises, open } };
}
