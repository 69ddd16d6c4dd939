/** One promise per record number that a reply waits on; resolved in order as durability advances. */
interface Waiter {
  readonly seq: number;
  readonly promise: Promise<void>;
  resolve(): void;
}

/**
 * The replies held under `appendfsync always`, as promises keyed by the last record they
 * acknowledge. Record numbers only grow, so the queue is sorted by construction and releasing
 * is a walk from its head; a batch of replies after the same record shares one promise.
 */
export class DurableWaiters {
  private waiters: Waiter[] = [];

  /** A promise that resolves once record `seq` (and every one before it) is durable. */
  waitFor(seq: number): Promise<void> {
    const last = this.waiters[this.waiters.length - 1];
    if (last !== undefined && last.seq === seq) return last.promise;
    let resolve!: () => void;
    const promise = new Promise<void>((done) => (resolve = done));
    this.waiters.push({ seq, promise, resolve });
    return promise;
  }

  /** Records up to `durableSeq` are durable: their replies go. */
  release(durableSeq: number): void {
    let released = 0;
    while (released < this.waiters.length && this.waiters[released]!.seq <= durableSeq) this.waiters[released++]!.resolve();
    if (released > 0) this.waiters = this.waiters.slice(released);
  }
}
