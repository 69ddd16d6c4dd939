/**
 * The per-key access stamp behind the LRU and LFU eviction policies, as Redis keeps it in the
 * 24-bit `lru` field of its object header (evict.c), so it fits a small integer on the Entry:
 *
 * - LRU: the time of the last access in seconds (Redis's LRU_CLOCK_RESOLUTION of 1000 ms), modulo
 *   2^24 (194 days; an idle time across a wrap is computed as Redis does).
 * - LFU: the last decrement time in minutes, modulo 2^16, in the high 16 bits and a logarithmic
 *   access counter in the low 8 bits. New keys start at LFU_INIT_VAL (5) so they survive long
 *   enough to collect hits; each access increments the counter with probability
 *   1 / ((counter − 5) × lfu-log-factor + 1), and the counter loses one per lfu-decay-time minutes.
 *
 * Switching policy at run time reinterprets the stamps, as in Redis: the figures settle as keys
 * are accessed again.
 */
import type { Clock } from './clock.js';

const LRU_CLOCK_MAX = (1 << 24) - 1;
const LRU_CLOCK_RESOLUTION_MS = 1000;
const LFU_TIME_MAX = (1 << 16) - 1;
const LFU_INIT_VAL = 5;
const LFU_COUNTER_MAX = 255;
const MS_PER_MINUTE = 60_000;

export class AccessClock {
  /** True while an LFU policy is selected; the stamp then holds time + counter. */
  lfu = false;
  /** Redis's lfu-log-factor: higher makes the counter climb more slowly. */
  lfuLogFactor = 10;
  /** Redis's lfu-decay-time: minutes per step of counter decay (0 = never decay). */
  lfuDecayMinutes = 1;

  constructor(
    private readonly clock: Clock,
    private readonly random: () => number = Math.random,
  ) {}

  /**
   * The stamp of a key created at `nowMs`. Callers pass the command's time (or one reading for a
   * whole snapshot load) rather than reading the clock per key: `Date.now()` cost ~8% of a
   * pipelined SET. Without it the clock is read, for callers that have no time at hand.
   */
  fresh(nowMs: number = this.clock.nowMs()): number {
    return this.lfu ? (lfuMinutes(nowMs) << 8) | LFU_INIT_VAL : lruClock(nowMs);
  }

  /** The stamp after an access at `nowMs` (Redis's updateLFU, or the LRU clock). */
  accessed(stamp: number, nowMs: number): number {
    if (!this.lfu) return lruClock(nowMs);
    return (lfuMinutes(nowMs) << 8) | this.logIncrement(this.frequency(stamp, nowMs));
  }

  /** Milliseconds since the last access, at the clock's resolution (OBJECT IDLETIME, LRU). */
  idleMs(stamp: number, nowMs: number): number {
    const now = lruClock(nowMs);
    const ticks = now >= stamp ? now - stamp : now + (LRU_CLOCK_MAX - stamp);
    return ticks * LRU_CLOCK_RESOLUTION_MS;
  }

  /** The LFU counter after the decay due by `nowMs` (Redis's LFUDecrAndReturn; OBJECT FREQ). */
  frequency(stamp: number, nowMs: number): number {
    const counter = stamp & LFU_COUNTER_MAX;
    if (this.lfuDecayMinutes === 0) return counter;
    const periods = Math.floor(lfuElapsedMinutes(stamp >>> 8, nowMs) / this.lfuDecayMinutes);
    return periods > counter ? 0 : counter - periods;
  }

  private logIncrement(counter: number): number {
    if (counter === LFU_COUNTER_MAX) return counter;
    const base = Math.max(0, counter - LFU_INIT_VAL);
    return this.random() < 1 / (base * this.lfuLogFactor + 1) ? counter + 1 : counter;
  }
}

function lruClock(nowMs: number): number {
  return Math.floor(nowMs / LRU_CLOCK_RESOLUTION_MS) & LRU_CLOCK_MAX;
}

function lfuMinutes(nowMs: number): number {
  return Math.floor(nowMs / MS_PER_MINUTE) & LFU_TIME_MAX;
}

/** Minutes since `then` (16-bit minutes), wrapping at most once, as Redis's LFUTimeElapsed. */
function lfuElapsedMinutes(then: number, nowMs: number): number {
  const now = lfuMinutes(nowMs);
  return now >= then ? now - then : LFU_TIME_MAX - then + now;
}
