import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SnapshotPersistence } from '../../../src/store/snapshot.js';
import type { Store } from '../../../src/store/store.js';
import { testEngine, type TestEngine } from '../../support/engine.js';

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString('latin1');

let dataDir: string;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'larder-types-snapshot-'));
});

afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

function persistence(store: Store): SnapshotPersistence {
  return new SnapshotPersistence(store, { dataDir, fileName: 'larder.snapshot', saveRules: [], onCorrupt: 'refuse', log: () => {} });
}

/** What a client can observe about every key of every type, in a comparable form. */
function observe(e: TestEngine): unknown[] {
  const sorted = (reply: unknown) => (Array.isArray(reply) ? [...(reply as string[])].sort() : reply);
  return [
    e.run('TYPE', 'h'), e.run('HGETALL', 'h'), e.run('PTTL', 'h'),
    e.run('TYPE', 'l'), e.run('LRANGE', 'l', 0, -1),
    e.run('TYPE', 's'), sorted((e.run('SMEMBERS', 's') as { items: unknown }).items),
    e.run('TYPE', 'z'), e.run('ZRANGE', 'z', 0, -1, 'WITHSCORES'), e.run('ZRANK', 'z', 'mid'),
    e.run('TYPE', 'str'), e.run('GET', 'str'),
    e.run('DBSIZE'),
  ];
}

describe('snapshots of every type', () => {
  it('save then load restores hashes, lists, sets and sorted sets exactly, TTLs included', () => {
    const e = testEngine();
    e.run('HSET', 'h', 'f1', 'v1', ALL_BYTES, ALL_BYTES, '', 'empty-field');
    e.run('PEXPIRE', 'h', 60_000);
    e.run('RPUSH', 'l', 'a', ALL_BYTES, 'c', '');
    e.run('LPUSH', 'l', 'head');
    e.run('SADD', 's', 'x', 'y', ALL_BYTES);
    e.run('ZADD', 'z', '-inf', 'low', '1.5', 'mid', '0.1', 'tenth', '+inf', 'high', '1.5', ALL_BYTES);
    e.run('SET', 'str', 'plain');
    const before = observe(e);
    persistence(e.store).saveNow();

    const restored = testEngine({ clock: e.clock });
    expect(persistence(restored.store).load()).toMatchObject({ source: 'file', keysLoaded: 5 });
    expect(observe(restored)).toEqual(before);
  });

  it('a restored sorted set keeps working: ranks, updates and range deletes', () => {
    const e = testEngine();
    const pairs: Array<string | number> = [];
    for (let i = 0; i < 500; i++) pairs.push(i, `m${i}`);
    e.run('ZADD', 'z', ...pairs);
    persistence(e.store).saveNow();
    const restored = testEngine({ clock: e.clock });
    persistence(restored.store).load();
    expect(restored.run('ZRANK', 'z', 'm250')).toBe(250);
    restored.run('ZADD', 'z', -1, 'm499');
    expect(restored.run('ZRANGE', 'z', 0, 1)).toEqual(['m499', 'm0']);
    expect(restored.run('ZREMRANGEBYRANK', 'z', 0, 99)).toBe(100);
    expect(restored.run('ZCARD', 'z')).toBe(400);
  });
});
