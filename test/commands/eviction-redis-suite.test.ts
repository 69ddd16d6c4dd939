/**
 * Ports of Redis 7.0.15's tests/unit/maxmemory.tcl "is the memory limit honoured?" family, under
 * Redis's own titles. Every block of that unit is tagged external:skip, so the Tcl suite cannot
 * run it against an external server (test/redis-suite reports 0 passed, 8 skipped); the same
 * scenarios run here against the engine, with INFO's used_memory as the Tcl tests read it.
 */
import { describe, expect, it } from 'vitest';
import { VerbatimString } from '../../src/commands/reply.js';
import { testEngine, type TestEngine } from '../support/engine.js';

function usedMemory(engine: TestEngine): number {
  const reply = engine.run('INFO', 'memory');
  if (!(reply instanceof VerbatimString)) throw new Error('INFO answers verbatim text');
  return Number(/used_memory:(\d+)/.exec(reply.value)![1]);
}

let nextRandom = 0;
/** The Tcl suite's randomKey: keys from a wide space, so most writes add a key. */
function randomKey(): string {
  nextRandom = (nextRandom * 1103515245 + 12345) % 2 ** 31;
  return `key:${nextRandom % 1_000_000}`;
}

/** FLUSHALL, then maxmemory = used + 100 KiB under `policy`; returns the limit. */
function limitAt100k(engine: TestEngine, policy: string): number {
  engine.run('FLUSHALL');
  const limit = usedMemory(engine) + 100 * 1024;
  engine.run('CONFIG', 'SET', 'maxmemory', String(limit), 'maxmemory-policy', policy);
  return limit;
}

/** Adds keys with `write` until used_memory is within 4 KiB of the limit; returns how many. */
function fillToLimit(engine: TestEngine, limit: number, write: (n: number) => void): number {
  let keys = 0;
  for (;;) {
    write(keys);
    keys++;
    if (usedMemory(engine) + 4096 > limit) return keys;
  }
}

describe('Redis unit/maxmemory, ported', () => {
  const allPolicies = ['allkeys-random', 'allkeys-lru', 'allkeys-lfu', 'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl'];
  it.each(allPolicies)('maxmemory - is the memory limit honoured? (policy %s)', (policy) => {
    const engine = testEngine();
    const limit = limitAt100k(engine, policy);
    const keys = fillToLimit(engine, limit, () => engine.run('SETEX', randomKey(), '10000', 'x'));
    expect(keys).toBeGreaterThan(10);
    for (let j = 0; j < keys; j++) engine.run('SETEX', randomKey(), '10000', 'x');
    expect(usedMemory(engine)).toBeLessThan(limit + 4096);
  });

  const mixed = ['allkeys-random', 'allkeys-lru', 'volatile-lru', 'volatile-random', 'volatile-ttl'];
  it.each(mixed)('maxmemory - only allkeys-* should remove non-volatile keys (%s)', (policy) => {
    const engine = testEngine();
    const limit = limitAt100k(engine, policy);
    const keys = fillToLimit(engine, limit, () => engine.run('SET', randomKey(), 'x'));
    expect(keys).toBeGreaterThan(10);
    let refused = false;
    for (let j = 0; j < keys; j++) {
      const reply = engine.run('SET', randomKey(), 'x');
      if (reply instanceof Error && reply.message.includes('used memory')) refused = true;
    }
    if (policy.startsWith('allkeys-')) expect(usedMemory(engine)).toBeLessThan(limit + 4096);
    else expect(refused).toBe(true);
  });

  const volatile = ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl'];
  it.each(volatile)('maxmemory - policy %s should only remove volatile keys.', (policy) => {
    const engine = testEngine();
    const limit = limitAt100k(engine, policy);
    // Odd keys are volatile, even keys are not.
    const keys = fillToLimit(engine, limit, (n) => (n % 2 === 1 ? engine.run('SETEX', `key:${n}`, '10000', 'x') : engine.run('SET', `key:${n}`, 'x')));
    expect(keys).toBeGreaterThan(10);
    for (let j = 0; j < keys; j++) engine.run('SETEX', `foo:${j}`, '10000', 'x');
    expect(usedMemory(engine)).toBeLessThan(limit + 4096);
    for (let j = 0; j < keys; j += 2) expect(engine.run('EXISTS', `key:${j}`)).toBe(1);
  });
});
