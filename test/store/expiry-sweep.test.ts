import { describe, expect, it } from 'vitest';
import { startExpirySweep } from '../../src/expiry-sweep.js';
import { ManualClock } from '../../src/store/clock.js';
import { Store } from '../../src/store/store.js';

const CYCLE = { samplesPerRound: 20, acceptableStaleRatio: 0.1 };

function storeWithStaleKeys(perDb: readonly number[]): { store: Store; clock: ManualClock } {
  const clock = new ManualClock();
  const store = new Store({ clock, databases: perDb.length });
  perDb.forEach((count, index) => {
    for (let i = 0; i < count; i++) store.db(index).set(`k${i}`, 'x', clock.nowMs() + 1);
  });
  clock.advance(2);
  return { store, clock };
}

describe('active expiry backlog', () => {
  it('a cycle that runs out of budget on stale keys reports a backlog; one that finishes reports none', () => {
    const { store } = storeWithStaleKeys([50_000]);
    store.activeExpireCycle({ ...CYCLE, budgetMs: 0 });
    expect(store.expireBacklog).toBe(true);
    store.activeExpireCycle({ ...CYCLE, budgetMs: 60_000 });
    expect(store.expireBacklog).toBe(false);
    expect(store.db(0).size).toBeLessThan(50_000);
  });

  it('a starved database behind a busy one is still swept', () => {
    const { store } = storeWithStaleKeys([200_000, 1_000]);
    // Zero-budget cycles stop after one round each; if every cycle began in database 0 again,
    // database 1 would keep its stale keys until database 0 was clean.
    for (let i = 0; i < 2_000; i++) store.activeExpireCycle({ ...CYCLE, budgetMs: 0 });
    expect(store.db(0).size).toBeGreaterThan(100_000);
    expect(store.db(1).size).toBeLessThan(1_000);
  });
});

describe('startExpirySweep', () => {
  it('keeps sweeping on the next event-loop turns while there is a backlog, serving other work in between', async () => {
    const { store } = storeWithStaleKeys([100_000]);
    let cycles = 0;
    const cycle = store.activeExpireCycle.bind(store);
    store.activeExpireCycle = (options) => {
      cycles++;
      return cycle(options);
    };
    let turnsWhileStale = 0;
    // An hour between regular cycles: only the first cycle and the backlog chain can do the job.
    const stop = startExpirySweep(store, { ...CYCLE, budgetMs: 1, intervalMs: 3_600_000 });
    try {
      await new Promise<void>((resolve) => {
        const otherWork = (): void => {
          if (store.db(0).size === 0 || turnsWhileStale > 1_000_000) return resolve();
          turnsWhileStale++;
          setImmediate(otherWork);
        };
        setImmediate(otherWork);
      });
    } finally {
      stop();
    }
    expect(store.db(0).size).toBe(0);
    expect(cycles).toBeGreaterThan(2);
    // Other callbacks ran between the cycles: the sweep never held the loop for the whole job.
    expect(turnsWhileStale).toBeGreaterThan(2);
  });

  it('stops: no cycle runs after the returned function is called', async () => {
    const { store } = storeWithStaleKeys([1_000]);
    const stop = startExpirySweep(store, { ...CYCLE, budgetMs: 1, intervalMs: 1 });
    stop();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(store.db(0).size).toBe(1_000);
  });
});
