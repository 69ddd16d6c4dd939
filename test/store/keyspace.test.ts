import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/store/clock.js';
import { Store } from '../../src/store/store.js';

function freshStore() {
  const clock = new ManualClock();
  const store = new Store({ clock });
  return { clock, store, db: store.db(0) };
}

/** Runs a full SCAN with a small COUNT, letting `between` change the keyspace after each page. */
function scanAll(db: ReturnType<typeof freshStore>['db'], nowMs: number, between: (page: number) => void): string[] {
  const seen: string[] = [];
  let cursor = 0;
  let page = 0;
  do {
    const result = db.scan(cursor, 7, nowMs);
    seen.push(...result.keys);
    cursor = result.nextCursor;
    between(page++);
  } while (cursor !== 0);
  return seen;
}

describe('Keyspace', () => {
  it('expires keys lazily on lookup and counts them', () => {
    const { clock, store, db } = freshStore();
    db.set('k', 'v', clock.nowMs() + 100);
    expect(db.lookup('k', clock.nowMs())?.value).toBe('v');
    clock.advance(100);
    expect(db.lookup('k', clock.nowMs())).toBeUndefined();
    expect(db.size).toBe(0);
    expect(store.stats.expiredKeys).toBe(1);
  });

  it('SCAN returns every key that lives through the iteration exactly once while others come and go', () => {
    const { clock, db } = freshStore();
    for (let i = 0; i < 200; i++) db.set(`stable:${i}`, 'x');
    for (let i = 0; i < 100; i++) db.set(`churn:${i}`, 'x');
    const seen = scanAll(db, clock.nowMs(), (page) => {
      // Delete some churn keys and add new ones so holes are reused behind and ahead of the cursor.
      for (let i = 0; i < 5; i++) db.delete(`churn:${page * 5 + i}`);
      for (let i = 0; i < 5; i++) db.set(`new:${page}:${i}`, 'x');
    });
    const stable = seen.filter((k) => k.startsWith('stable:'));
    expect(new Set(stable).size).toBe(200);
    expect(stable.length).toBe(200);
  });

  it('SCAN skips expired keys and ends with cursor 0', () => {
    const { clock, db } = freshStore();
    db.set('live', 'x');
    db.set('dead', 'x', clock.nowMs() + 1);
    clock.advance(5);
    const page = db.scan(0, 100, clock.nowMs());
    expect(page).toEqual({ nextCursor: 0, keys: ['live'] });
  });

  it('RANDOMKEY finds a live key in a sparse keyspace and undefined in an empty one', () => {
    const { clock, db } = freshStore();
    expect(db.randomKey(clock.nowMs())).toBeUndefined();
    for (let i = 0; i < 1000; i++) db.set(`k${i}`, 'x');
    for (let i = 0; i < 999; i++) db.delete(`k${i}`);
    expect(db.randomKey(clock.nowMs())).toBe('k999');
  });

  it('replacing a value clears its TTL; setExpiry(0) persists a key', () => {
    const { clock, db } = freshStore();
    db.set('k', 'v', clock.nowMs() + 1000);
    expect(db.volatileCount).toBe(1);
    db.set('k', 'w');
    expect(db.volatileCount).toBe(0);
    const entry = db.set('k', 'v', clock.nowMs() + 1000);
    db.setExpiry('k', entry, 0);
    expect(entry.expiresAtMs).toBe(0);
    expect(db.volatileCount).toBe(0);
  });
});

describe('Store.activeExpireCycle', () => {
  it('reclaims expired keys without lookups and leaves live ones', () => {
    const { clock, store, db } = freshStore();
    for (let i = 0; i < 5000; i++) db.set(`gone:${i}`, 'x', clock.nowMs() + 10);
    for (let i = 0; i < 100; i++) db.set(`stays:${i}`, 'x', clock.nowMs() + 60_000);
    clock.advance(11);
    let reclaimed = 0;
    for (let cycle = 0; cycle < 50 && db.size > 100; cycle++) {
      reclaimed += store.activeExpireCycle({ samplesPerRound: 20, acceptableStaleRatio: 0.25, budgetMs: 25 });
    }
    expect(reclaimed).toBeGreaterThan(4500);
    expect(db.size).toBeGreaterThanOrEqual(100);
    for (let i = 0; i < 100; i++) expect(db.lookup(`stays:${i}`, clock.nowMs())).toBeDefined();
  });

  it('stops a cycle at its time budget', () => {
    const { clock, store, db } = freshStore();
    for (let i = 0; i < 200_000; i++) db.set(`k${i}`, 'x', clock.nowMs() + 1);
    clock.advance(2);
    const reclaimed = store.activeExpireCycle({ samplesPerRound: 20, acceptableStaleRatio: 0.25, budgetMs: 0 });
    // A zero budget allows exactly one round per database before the deadline check.
    expect(reclaimed).toBeLessThanOrEqual(20);
    expect(db.size).toBeGreaterThan(199_000);
  });
});

describe('Store', () => {
  it('SWAPDB exchanges contents and keeps indexes', () => {
    const { store } = freshStore();
    store.db(0).set('a', '1');
    store.db(1).set('b', '2');
    store.swap(0, 1);
    expect(store.db(0).lookup('b', 0)?.value).toBe('2');
    expect(store.db(1).lookup('a', 0)?.value).toBe('1');
    expect(store.db(0).index).toBe(0);
    expect(store.db(1).index).toBe(1);
  });

  it('counts dirty writes and notifies listeners', () => {
    const { store } = freshStore();
    const events: string[] = [];
    const unsubscribe = store.subscribe((db, key, kind) => events.push(`${db}:${key}:${kind}`));
    store.db(2).set('k', 'v');
    store.db(2).delete('k');
    unsubscribe();
    store.db(2).set('k', 'v');
    expect(events).toEqual(['2:k:modified', '2:k:modified']);
    expect(store.dirty).toBe(3);
  });

  it('restore() stores what set() stores, accounted the same, without counting changes', () => {
    const served = freshStore();
    const restored = freshStore();
    const changes: string[] = [];
    restored.store.subscribe((_db, key) => changes.push(key));
    served.db.set('plain', 'v'.repeat(100));
    served.db.set('marked', '{}', 0, 'application/json');
    served.db.set('ttl', 'soon', served.clock.nowMs() + 1_000);
    const stamp = served.db.peek('plain')!.access;
    expect(restored.db.restore('plain', 'v'.repeat(100), 0, undefined, stamp)).toBe(true);
    expect(restored.db.restore('marked', '{}', 0, 'application/json', stamp)).toBe(true);
    expect(restored.db.restore('ttl', 'soon', served.clock.nowMs() + 1_000, undefined, stamp)).toBe(true);
    expect(restored.db.memoryBytes).toBe(served.db.memoryBytes);
    expect(restored.db.volatileCount).toBe(1);
    expect(restored.db.peek('marked')?.meta).toBe('application/json');
    expect(restored.db.peek('ttl')?.access).toBe(stamp);
    expect(restored.store.dirty).toBe(0);
    expect(changes).toEqual([]);
  });

  it('restore() refuses a key already present and leaves the first value', () => {
    const { db } = freshStore();
    db.restore('k', 'first', 0, undefined, 0);
    const bytes = db.memoryBytes;
    expect(db.restore('k', 'second', 0, undefined, 0)).toBe(false);
    expect(db.peek('k')?.value).toBe('first');
    expect(db.memoryBytes).toBe(bytes);
  });
});

