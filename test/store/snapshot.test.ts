import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nodeFs, type AtomicFs } from '../../src/store/atomic-file.js';
import { ManualClock } from '../../src/store/clock.js';
import {
  SnapshotCorruptError,
  SnapshotPersistence,
  SnapshotVersionError,
  type SaveRule,
  type SnapshotOptions,
} from '../../src/store/snapshot.js';
import { Store } from '../../src/store/store.js';

interface LogLine {
  level: string;
  message: string;
  fields: Record<string, unknown> | undefined;
}

let dataDir: string;
let clock: ManualClock;
let logs: LogLine[];

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'larder-snapshot-'));
  clock = new ManualClock(1_700_000_000_000);
  logs = [];
});

afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

function persistence(store: Store, options: Partial<SnapshotOptions> = {}): SnapshotPersistence {
  return new SnapshotPersistence(store, {
    dataDir,
    fileName: 'larder.snapshot',
    saveRules: [],
    onCorrupt: 'refuse',
    log: (level, message, fields) => logs.push({ level, message, fields }),
    ...options,
  });
}

function newStore(databases = 16): Store {
  return new Store({ clock, databases });
}

/** A store with a few keys in two databases, saved to the data dir; returns the file's bytes. */
function savedSnapshot(): { file: string; bytes: Buffer } {
  const store = newStore();
  store.db(0).set('plain', 'value');
  store.db(0).set('json', '[1,2,3]', 0, 'application/json');
  store.db(2).set('ttl', 'soon', clock.nowMs() + 1_000);
  const saver = persistence(store);
  saver.saveNow();
  return { file: saver.file, bytes: readFileSync(saver.file) };
}

function errnoError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: injected failure`), { code });
}

/** The real file system with some calls replaced. */
function fsWith(overrides: Partial<Omit<AtomicFs, 'promises'>>, promises: Partial<AtomicFs['promises']> = {}): AtomicFs {
  return { ...nodeFs, ...overrides, promises: { ...nodeFs.promises, ...promises } };
}

async function backgroundSaveDone(saver: SnapshotPersistence): Promise<void> {
  await vi.waitFor(() => expect(saver.status().bgsaveInProgress).toBe(false));
}

describe('loading a snapshot at start', () => {
  it('starts empty when there is no snapshot, creating the data dir', () => {
    dataDir = join(dataDir, 'nested', 'dir');
    const result = persistence(newStore()).load();
    expect(result).toEqual({ source: 'none', keysLoaded: 0, expiredDropped: 0, file: join(dataDir, 'larder.snapshot') });
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('loads back what SAVE wrote: values, meta, TTLs and databases', () => {
    savedSnapshot();
    const store = newStore();
    expect(persistence(store).load()).toMatchObject({ source: 'file', keysLoaded: 3, expiredDropped: 0 });
    expect(store.db(0).lookup('plain', clock.nowMs())?.value).toBe('value');
    expect(store.db(0).lookup('json', clock.nowMs())?.meta).toBe('application/json');
    expect(store.db(2).lookup('ttl', clock.nowMs())?.expiresAtMs).toBe(clock.nowMs() + 1_000);
    expect(store.dirty).toBe(0);
  });

  it('drops keys that expired while the server was down, and counts them', () => {
    savedSnapshot();
    clock.advance(1_000);
    const store = newStore();
    const loader = persistence(store);
    expect(loader.load()).toMatchObject({ source: 'file', keysLoaded: 2, expiredDropped: 1 });
    expect(store.db(2).size).toBe(0);
    expect(loader.infoSection()).toMatchObject({ rdb_last_load_keys_loaded: 2, rdb_last_load_keys_expired: 1 });
  });

  it('refuses a corrupt snapshot, naming the file and offset, and leaves the file as it was', () => {
    const { file, bytes } = savedSnapshot();
    const damaged = Buffer.from(bytes);
    damaged[40] = damaged[40]! ^ 0xff;
    writeFileSync(file, damaged);
    const store = newStore();
    expect(() => persistence(store).load()).toThrow(new RegExp(`snapshot ${file} is corrupt at offset 24: block checksum mismatch`));
    expect(store.totalKeys()).toBe(0);
    expect(readFileSync(file)).toEqual(damaged);
  });

  it('refuses a snapshot truncated at any byte, never loading part of it', () => {
    const { file, bytes } = savedSnapshot();
    for (let length = 0; length < bytes.length; length++) {
      writeFileSync(file, bytes.subarray(0, length));
      const store = newStore();
      let error: unknown;
      try {
        persistence(store).load();
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(SnapshotCorruptError);
      expect((error as SnapshotCorruptError).file).toBe(file);
      expect((error as SnapshotCorruptError).offset).toBeLessThanOrEqual(length);
      expect(store.totalKeys()).toBe(0);
    }
  });

  it('with move-aside, keeps each bad file beside the snapshot, starts empty and warns', () => {
    const { file, bytes } = savedSnapshot();
    const damaged = bytes.subarray(0, bytes.length - 1);
    for (let attempt = 0; attempt < 2; attempt++) {
      writeFileSync(file, damaged);
      const store = newStore();
      expect(persistence(store, { onCorrupt: 'move-aside' }).load()).toMatchObject({ source: 'moved-aside', keysLoaded: 0 });
      expect(store.totalKeys()).toBe(0);
    }
    const casualties = readdirSync(dataDir).filter((name) => name.startsWith('larder.snapshot.corrupt-'));
    expect(casualties).toEqual(['larder.snapshot.corrupt-2023-11-14T22-13-20-000Z', 'larder.snapshot.corrupt-2023-11-14T22-13-20-000Z-1']);
    for (const name of casualties) expect(readFileSync(join(dataDir, name))).toEqual(damaged);
    expect(readdirSync(dataDir)).not.toContain('larder.snapshot');
    const warning = logs.find((line) => line.level === 'warn');
    expect(warning?.message).toContain(`snapshot ${file} is corrupt at offset`);
    expect(warning?.fields).toMatchObject({ file, offset: expect.any(Number) });
  });

  it('refuses a snapshot from a newer format version even in move-aside mode', () => {
    const { file, bytes } = savedSnapshot();
    bytes.writeUInt16BE(2, 8);
    bytes.writeUInt32BE(crc32(bytes.subarray(0, 20)), 20);
    writeFileSync(file, bytes);
    expect(() => persistence(newStore(), { onCorrupt: 'move-aside' }).load()).toThrow(SnapshotVersionError);
    expect(readFileSync(file)).toEqual(bytes);
  });

  it('refuses a snapshot that holds databases this configuration does not have', () => {
    const { file } = savedSnapshot();
    expect(() => persistence(newStore(2)).load()).toThrow(
      `snapshot ${file} holds keys for database 2 but only 2 databases are configured`,
    );
  });
});

describe('SAVE', () => {
  it('writes the snapshot, resets the change count and moves LASTSAVE', () => {
    const store = newStore();
    const saver = persistence(store);
    store.db(0).set('k', 'v');
    clock.advance(10_000);
    saver.saveNow();
    expect(store.dirty).toBe(0);
    expect(saver.lastSaveUnixSeconds()).toBe(Math.floor(clock.nowMs() / 1000));
    expect(saver.infoSection()).toMatchObject({ rdb_last_bgsave_status: 'ok', rdb_saves: 1, rdb_changes_since_last_save: 0 });
    expect(readdirSync(dataDir)).toEqual(['larder.snapshot']);
  });

  it('keeps the previous snapshot intact when the write fails half way, and says so', () => {
    const { file, bytes } = savedSnapshot();
    const store = newStore();
    store.db(0).set('new', 'x'.repeat(10_000));
    const fullDisk = fsWith({
      writeSync: (fd, buffer, offset, length, position) => {
        nodeFs.writeSync(fd, buffer, offset, Math.min(length, 100), position);
        throw errnoError('ENOSPC');
      },
    });
    const saver = persistence(store, { fs: fullDisk });
    const lastSave = saver.lastSaveUnixSeconds();
    clock.advance(5_000);
    expect(() => saver.saveNow()).toThrow('ERR Snapshot save failed (ENOSPC); see the server log');
    expect(readFileSync(file)).toEqual(bytes);
    expect(readdirSync(dataDir)).toEqual(['larder.snapshot']);
    expect(saver.lastSaveUnixSeconds()).toBe(lastSave);
    expect(store.dirty).toBe(1);
    expect(saver.status()).toMatchObject({ lastSaveOk: false, changesSinceLastSave: 1 });
    expect(saver.infoSection()).toMatchObject({ rdb_last_bgsave_status: 'err' });
    expect(logs.find((line) => line.level === 'error')?.fields).toMatchObject({ file, code: 'ENOSPC' });
  });

  it('recovers its status with the next successful save', () => {
    const store = newStore();
    let failNext = true;
    const flaky = fsWith({
      renameSync: (from, to) => {
        if (failNext) throw errnoError('EIO');
        nodeFs.renameSync(from, to);
      },
    });
    const saver = persistence(store, { fs: flaky });
    expect(() => saver.saveNow()).toThrow('ERR Snapshot save failed (EIO); see the server log');
    failNext = false;
    saver.saveNow();
    expect(saver.status().lastSaveOk).toBe(true);
    expect(readdirSync(dataDir)).toEqual(['larder.snapshot']);
  });
});

describe('BGSAVE', () => {
  it('answers already-running while a save is in flight, and refuses SAVE meanwhile', async () => {
    const store = newStore();
    store.db(0).set('k', 'v');
    const saver = persistence(store);
    expect(saver.saveInBackground()).toBe('started');
    expect(saver.saveInBackground()).toBe('already-running');
    expect(() => saver.saveNow()).toThrow('ERR Background save already in progress');
    expect(saver.infoSection()).toMatchObject({ rdb_bgsave_in_progress: 1 });
    await saver.close();
    expect(saver.infoSection()).toMatchObject({ rdb_bgsave_in_progress: 0, rdb_last_bgsave_status: 'ok', rdb_saves: 1 });
    const reloaded = newStore();
    expect(persistence(reloaded).load().keysLoaded).toBe(1);
  });

  it('saves the keyspace as it was when it started and keeps counting later writes', async () => {
    const store = newStore();
    for (let i = 0; i < 5; i++) store.db(0).set(`before:${i}`, 'v');
    const saver = persistence(store);
    saver.saveInBackground();
    store.db(0).set('after', 'v');
    store.db(0).delete('before:0');
    await backgroundSaveDone(saver);
    expect(store.dirty).toBe(2);
    const reloaded = newStore();
    persistence(reloaded).load();
    expect([...reloaded.db(0).allEntries()].map(([key]) => key).sort()).toEqual(['before:0', 'before:1', 'before:2', 'before:3', 'before:4']);
  });

  it('keeps the previous snapshot intact when the background write fails', async () => {
    const { file, bytes } = savedSnapshot();
    const store = newStore();
    store.db(0).set('k', 'v');
    const saver = persistence(store, { fs: fsWith({}, { rename: () => Promise.reject(errnoError('EXDEV')) }) });
    expect(saver.saveInBackground()).toBe('started');
    await saver.close();
    expect(readFileSync(file)).toEqual(bytes);
    expect(readdirSync(dataDir)).toEqual(['larder.snapshot']);
    expect(saver.infoSection()).toMatchObject({ rdb_last_bgsave_status: 'err', rdb_changes_since_last_save: 1 });
  });
});

describe('save rules', () => {
  const rules: SaveRule[] = [
    { afterSeconds: 3600, minChanges: 1 },
    { afterSeconds: 60, minChanges: 3 },
  ];

  function writes(store: Store, count: number): void {
    for (let i = 0; i < count; i++) store.db(0).set(`key:${store.dirty}`, 'v');
  }

  it('saves once a rule has both its time and its change count', async () => {
    const store = newStore();
    const saver = persistence(store, { saveRules: rules });
    writes(store, 2);
    clock.advance(61_000);
    saver.tick();
    expect(saver.status().bgsaveInProgress).toBe(false);
    writes(store, 1);
    saver.tick();
    expect(saver.status().bgsaveInProgress).toBe(true);
    await backgroundSaveDone(saver);
    expect(saver.status()).toMatchObject({ changesSinceLastSave: 0, lastSaveUnixSeconds: Math.floor(clock.nowMs() / 1000) });
  });

  it('does not save before the time has passed, however many changes', () => {
    const store = newStore();
    const saver = persistence(store, { saveRules: rules });
    writes(store, 1_000);
    clock.advance(59_999);
    saver.tick();
    expect(saver.status().bgsaveInProgress).toBe(false);
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('counts the time from the last successful save', async () => {
    const store = newStore();
    const saver = persistence(store, { saveRules: rules });
    clock.advance(50_000);
    writes(store, 3);
    saver.saveNow();
    writes(store, 3);
    clock.advance(30_000);
    saver.tick();
    expect(saver.status().bgsaveInProgress).toBe(false);
    clock.advance(30_000);
    saver.tick();
    expect(saver.status().bgsaveInProgress).toBe(true);
    await saver.close();
  });

  it('waits 5 seconds before retrying a failed automatic save', async () => {
    const store = newStore();
    let attempts = 0;
    const broken = fsWith({}, {
      rename: () => {
        attempts++;
        return Promise.reject(errnoError('EACCES'));
      },
    });
    const saver = persistence(store, { saveRules: rules, fs: broken });
    writes(store, 3);
    clock.advance(60_000);
    saver.tick();
    await backgroundSaveDone(saver);
    clock.advance(4_000);
    saver.tick();
    expect(saver.status().bgsaveInProgress).toBe(false);
    clock.advance(1_000);
    saver.tick();
    await backgroundSaveDone(saver);
    expect(attempts).toBe(2);
  });

  it('never saves on its own without rules, nor after close', async () => {
    const store = newStore();
    const idle = persistence(store);
    writes(store, 10);
    clock.advance(86_400_000);
    idle.tick();
    expect(idle.status().bgsaveInProgress).toBe(false);
    const closed = persistence(store, { saveRules: rules });
    await closed.close();
    closed.tick();
    expect(closed.status().bgsaveInProgress).toBe(false);
    expect(readdirSync(dataDir)).toEqual([]);
  });
});
