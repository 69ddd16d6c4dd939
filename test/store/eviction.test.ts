import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/store/clock.js';
import type { EvictionPolicy } from '../../src/store/eviction.js';
import { Store } from '../../src/store/store.js';
import { HashValue } from '../../src/store/types/hash-value.js';
import { seededRandom } from '../support/seeded-random.js';


function storeWith(policy: EvictionPolicy, samples = 64): { store: Store; clock: ManualClock; evicted: string[] } {
  const clock = new ManualClock();
  const store = new Store({ clock, random: seededRandom(7) });
  store.eviction.policy = policy;
  store.eviction.samples = samples;
  store.access.lfu = policy.endsWith('-lfu');
  const evicted: string[] = [];
  store.onEviction((db, key) => evicted.push(`${db}:${key}`));
  return { store, clock, evicted };
}

/** Sets the limit so that exactly the bytes of `keys` more must go. */
function limitToFree(store: Store, bytes: number): void {
  store.eviction.maxBytes = store.usedMemoryBytes() - bytes;
}

const VALUE = 'v'.repeat(100);
/** A stopwatch that never runs out, so a loaded machine cannot cut an eviction short. */
const untimed = (): number => 0;

describe('maxmemory eviction policies', () => {
  it('allkeys-lru evicts the key idle longest', () => {
    const { store, clock, evicted } = storeWith('allkeys-lru');
    const db = store.db(0);
    for (const key of ['a', 'b', 'c', 'd', 'e']) {
      db.set(key, VALUE);
      clock.advance(10_000);
    }
    // Reading `a` makes `b` the idlest.
    db.lookup('a', clock.nowMs());
    limitToFree(store, 1);
    expect(store.eviction.freeMemory(clock.nowMs(), untimed)).toBe('fits');
    expect(evicted).toEqual(['0:b']);
    expect(store.stats.evictedKeys).toBe(1);
    expect(db.peek('b')).toBeUndefined();
  });

  it('allkeys-lfu evicts the least frequently used key and keeps the hot ones', () => {
    const { store, clock, evicted } = storeWith('allkeys-lfu');
    const db = store.db(0);
    for (const key of ['hot', 'warm', 'cold']) db.set(key, VALUE);
    for (let i = 0; i < 200; i++) db.lookup('hot', clock.nowMs());
    for (let i = 0; i < 20; i++) db.lookup('warm', clock.nowMs());
    limitToFree(store, 1);
    store.eviction.freeMemory(clock.nowMs(), untimed);
    expect(evicted).toEqual(['0:cold']);
    expect(store.access.frequency(db.peek('hot')!.access, clock.nowMs())).toBeGreaterThan(store.access.frequency(db.peek('warm')!.access, clock.nowMs()));
  });

  it('LFU counters decay by one per lfu-decay-time minutes', () => {
    const { store, clock } = storeWith('allkeys-lfu');
    const db = store.db(0);
    db.set('k', VALUE);
    expect(store.access.frequency(db.peek('k')!.access, clock.nowMs())).toBe(5);
    clock.advance(3 * 60_000);
    expect(store.access.frequency(db.peek('k')!.access, clock.nowMs())).toBe(2);
    store.access.lfuDecayMinutes = 0;
    expect(store.access.frequency(db.peek('k')!.access, clock.nowMs())).toBe(5);
  });

  it('volatile-ttl evicts the key closest to expiring and never a key without a TTL', () => {
    const { store, clock, evicted } = storeWith('volatile-ttl');
    const db = store.db(0);
    db.set('forever', VALUE);
    db.set('late', VALUE, clock.nowMs() + 90_000);
    db.set('soon', VALUE, clock.nowMs() + 10_000);
    db.set('middle', VALUE, clock.nowMs() + 50_000);
    limitToFree(store, 1);
    store.eviction.freeMemory(clock.nowMs(), untimed);
    expect(evicted).toEqual(['0:soon']);
  });

  it('volatile-lru evicts only keys with a TTL, and with none left the limit cannot be met', () => {
    const { store, clock, evicted } = storeWith('volatile-lru');
    const db = store.db(0);
    db.set('forever', VALUE);
    db.set('expiring', VALUE, clock.nowMs() + 60_000);
    store.eviction.maxBytes = 1;
    expect(store.eviction.freeMemory(clock.nowMs(), untimed)).toBe('full');
    expect(evicted).toEqual(['0:expiring']);
    expect(db.peek('forever')).toBeDefined();
  });

  it('volatile-random and allkeys-random evict until under the limit, across databases', () => {
    const { store, clock, evicted } = storeWith('allkeys-random');
    for (let i = 0; i < 20; i++) store.db(i % 3).set(`k${i}`, VALUE);
    const before = store.usedMemoryBytes();
    store.eviction.maxBytes = before - 1000;
    expect(store.eviction.freeMemory(clock.nowMs(), untimed)).toBe('fits');
    expect(store.usedMemoryBytes()).toBeLessThanOrEqual(before - 1000);
    expect(evicted.length).toBeGreaterThan(0);
    expect(new Set(evicted.map((id) => id.split(':')[0])).size).toBeGreaterThan(1);

    const volatile = storeWith('volatile-random');
    volatile.store.db(0).set('forever', VALUE);
    volatile.store.eviction.maxBytes = 1;
    expect(volatile.store.eviction.freeMemory(clock.nowMs(), untimed)).toBe('full');
    expect(volatile.evicted).toEqual([]);
  });

  it('stops at the time budget with keys still to go, and the next call goes on', () => {
    const { store, clock, evicted } = storeWith('allkeys-random');
    for (let i = 0; i < 100; i++) store.db(0).set(`k${i}`, VALUE);
    store.eviction.maxBytes = 1;
    // A stopwatch that reports the budget spent at its first look (after 16 evictions).
    expect(store.eviction.freeMemory(clock.nowMs(), () => 1)).toBe('evicting');
    expect(evicted).toHaveLength(16);
    expect(store.eviction.freeMemory(clock.nowMs(), untimed)).toBe('full');
    expect(store.db(0).size).toBe(0);
  });

  it('noeviction evicts nothing and reports the limit as unmet', () => {
    const { store, clock, evicted } = storeWith('noeviction');
    store.db(0).set('k', VALUE);
    store.eviction.maxBytes = 1;
    expect(store.eviction.freeMemory(clock.nowMs(), untimed)).toBe('full');
    expect(evicted).toEqual([]);
    store.eviction.maxBytes = 0;
    expect(store.eviction.freeMemory(clock.nowMs(), untimed)).toBe('fits');
  });

  it('with few samples the pool still converges on old keys over successive evictions', () => {
    const { store, clock } = storeWith('allkeys-lru', 3);
    const db = store.db(0);
    for (let i = 0; i < 200; i++) {
      db.set(`k${i}`, VALUE);
      clock.advance(1000);
    }
    limitToFree(store, store.usedMemoryBytes() / 2);
    store.eviction.freeMemory(clock.nowMs(), untimed);
    let oldSurvivors = 0;
    for (let i = 0; i < 50; i++) if (db.peek(`k${i}`) !== undefined) oldSurvivors++;
    let newSurvivors = 0;
    for (let i = 150; i < 200; i++) if (db.peek(`k${i}`) !== undefined) newSurvivors++;
    expect(newSurvivors).toBeGreaterThan(oldSurvivors * 2);
  });
});

describe('memory accounting in the keyspace', () => {
  it('adds what a write stores and gives it all back when the keys go', () => {
    const { store } = storeWith('noeviction');
    const db = store.db(0);
    const empty = store.usedMemoryBytes();
    db.set('s', VALUE, 1e12);
    db.set('s', VALUE + VALUE);
    db.replaceString('s', db.peek('s')!, 'short');
    expect(store.usedMemoryBytes()).toBeGreaterThan(empty);
    db.delete('s');
    expect(store.usedMemoryBytes()).toBe(empty);
  });

  it('follows an aggregate as it grows and shrinks in place', () => {
    const { store } = storeWith('noeviction');
    const db = store.db(0);
    const empty = store.usedMemoryBytes();
    const hash = new HashValue();
    hash.set('f', 'v');
    db.set('h', hash);
    const small = store.usedMemoryBytes();
    for (let i = 0; i < 100; i++) hash.set(`field${i}`, VALUE);
    db.touch('h');
    const big = store.usedMemoryBytes();
    expect(big - small).toBeGreaterThan(100 * VALUE.length);
    for (let i = 0; i < 100; i++) hash.delete(`field${i}`);
    db.touch('h');
    expect(store.usedMemoryBytes()).toBeLessThan(big);
    db.delete('h');
    expect(store.usedMemoryBytes()).toBe(empty);
  });
});

describe('access stamps of new keys', () => {
  it('take the time the caller passes, not a fresh clock reading', () => {
    const { store, clock } = storeWith('allkeys-lru');
    const db = store.db(0);
    // The command started 30 s before the clock now reads (a replayed log record, a long EXEC).
    db.set('k', VALUE, 0, undefined, clock.nowMs() - 30_000);
    expect(store.access.idleMs(db.peek('k')!.access, clock.nowMs())).toBe(30_000);
  });

  it('read the store clock when the caller has no time at hand', () => {
    const { store, clock } = storeWith('allkeys-lru');
    const db = store.db(0);
    db.set('k', VALUE);
    clock.advance(12_000);
    expect(store.access.idleMs(db.peek('k')!.access, clock.nowMs())).toBe(12_000);
  });
});
