import type { ExpireCycleOptions, Store } from './store/store.js';

export interface ExpirySweepOptions extends ExpireCycleOptions {
  /** Period of the regular cycle (Redis's hz 10 = 100 ms). */
  intervalMs: number;
}

/**
 * Runs the store's active-expiry cycle every `intervalMs` and, while a cycle reports a backlog
 * (it stopped on its budget with samples still mostly stale), again on the next turn of the event
 * loop. Each cycle is bounded by `budgetMs` and I/O is served between cycles, so requests wait at
 * most one budget, while a mass expiry is reclaimed as fast as the remaining CPU allows instead of
 * at a fixed duty cycle (1 M keys expiring together took ~20 s at 25 ms per 100 ms). Redis gets the
 * same effect from its fast cycle in beforeSleep. The first cycle runs on the next turn (a snapshot
 * or log just loaded may hold many keys whose time passed while the server was down). Returns a
 * function that stops the sweep.
 */
export function startExpirySweep(store: Store, options: ExpirySweepOptions): () => void {
  let stopped = false;
  let catchingUp = false;
  const cycle = (): void => {
    if (stopped) return;
    store.activeExpireCycle(options);
    catchingUp = store.expireBacklog;
    // setImmediate runs after this turn's I/O callbacks: waiting requests go first.
    if (catchingUp) setImmediate(cycle).unref();
  };
  catchingUp = true;
  setImmediate(cycle).unref();
  const timer = setInterval(() => {
    if (!catchingUp) cycle();
  }, options.intervalMs);
  // The sweep never keeps the process alive on its own; the listeners do.
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
