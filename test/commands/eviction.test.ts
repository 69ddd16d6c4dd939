import { describe, expect, it } from 'vitest';
import type { PubSubMessage } from '../../src/commands/pubsub-hub.js';
import { MapReply, VerbatimString } from '../../src/commands/reply.js';
import { errorText, testEngine, type TestEngine } from '../support/engine.js';

const OOM = "OOM command not allowed when used memory > 'maxmemory'.";
const VALUE = 'x'.repeat(100);

function info(engine: TestEngine, section: string): Record<string, string> {
  const reply = engine.run('INFO', section);
  if (!(reply instanceof VerbatimString)) throw new Error('INFO answers verbatim text');
  return Object.fromEntries(reply.value.split('\r\n').filter((line) => line.includes(':')).map((line) => line.split(':') as [string, string]));
}

function fill(engine: TestEngine, count: number, prefix = 'k'): void {
  for (let i = 0; i < count; i++) engine.run('SET', `${prefix}${i}`, VALUE);
}

/** Sets maxmemory to what is used now (plus `slackBytes`), so the next write that adds memory is over it. */
function capAtCurrentUse(engine: TestEngine, slackBytes = 0): void {
  engine.run('CONFIG', 'SET', 'maxmemory', String(engine.store.usedMemoryBytes() + slackBytes));
}

function configGet(engine: TestEngine, pattern: string): string[] {
  const reply = engine.run('CONFIG', 'GET', pattern);
  if (!(reply instanceof MapReply)) throw new Error('CONFIG GET answers a map');
  return reply.entries.flat() as string[];
}

/** What the append log receives: forms grouped into units by command end (empty units left out). */
function recordUnits(engine: ReturnType<typeof testEngine>): { units: string[][][]; pending: () => string[][] } {
  const units: string[][][] = [];
  let unit: string[][] = [];
  engine.dispatcher.onPropagate((_db, argv) => unit.push([...argv]));
  engine.dispatcher.onCommandEnd(() => {
    if (unit.length > 0) units.push(unit);
    unit = [];
  });
  return { units, pending: () => unit };
}

describe('maxmemory over the command path', () => {
  it('noeviction refuses commands that add memory with Redis\'s text, and lets reads and DEL through', () => {
    const engine = testEngine();
    fill(engine, 10);
    capAtCurrentUse(engine);
    engine.run('SET', 'one-more', VALUE);
    expect(errorText(engine.run('SET', 'another', VALUE))).toBe(OOM);
    expect(errorText(engine.run('LPUSH', 'list', 'a'))).toBe(OOM);
    expect(engine.run('GET', 'k1')).toBe(VALUE);
    expect(engine.run('DEL', 'k1', 'k2')).toBe(2);
    expect(engine.run('SET', 'fits-now', 'v')).toMatchObject({ value: 'OK' });
    expect(info(engine, 'stats')['evicted_keys']).toBe('0');
  });

  it('allkeys-lru evicts before the write, counts evicted_keys, and keeps the new key', () => {
    const engine = testEngine();
    engine.run('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru', 'maxmemory-samples', '64');
    fill(engine, 50);
    capAtCurrentUse(engine);
    engine.clock.advance(3000);
    fill(engine, 10, 'new');
    expect(engine.store.usedMemoryBytes()).toBeLessThanOrEqual(engine.store.eviction.maxBytes + 400);
    expect(engine.run('GET', 'new9')).toBe(VALUE);
    expect(Number(info(engine, 'stats')['evicted_keys'])).toBeGreaterThanOrEqual(9);
    expect(engine.run('DBSIZE')).toBeLessThan(60);
  });

  it('volatile-lru with no key holding a TTL answers OOM', () => {
    const engine = testEngine();
    engine.run('CONFIG', 'SET', 'maxmemory-policy', 'volatile-lru');
    fill(engine, 5);
    engine.run('CONFIG', 'SET', 'maxmemory', '1');
    expect(errorText(engine.run('SET', 'k', 'v'))).toBe(OOM);
    expect(engine.run('DBSIZE')).toBe(5);
  });

  it('hands each evicted key to the append log as DEL, in the unit of the command that needed the memory', () => {
    const engine = testEngine();
    engine.run('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-random');
    fill(engine, 20);
    capAtCurrentUse(engine);
    engine.run('SET', 'trigger', VALUE);
    const { units } = recordUnits(engine);
    engine.run('SET', 'next', VALUE);
    expect(units).toHaveLength(1);
    const forms = units[0]!;
    expect(forms.at(-1)).toEqual(['SET', 'next', VALUE]);
    expect(forms.slice(0, -1).length).toBeGreaterThan(0);
    for (const form of forms.slice(0, -1)) {
      expect(form[0]).toBe('DEL');
      expect(engine.run('EXISTS', form[1]!)).toBe(0);
    }
  });

  it('records evictions at the instant the command runs, which is the instant its record replays at', () => {
    const engine = testEngine();
    engine.run('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-random');
    fill(engine, 20);
    capAtCurrentUse(engine);
    engine.run('SET', 'trigger', VALUE);
    const forms: Array<[string, number]> = [];
    engine.dispatcher.onPropagate((_db, argv, nowMs) => forms.push([argv[0]!, nowMs]));
    // A RESP batch runs on a clock reading taken before the engine's clock moved on.
    const batchNowMs = engine.clock.nowMs();
    engine.clock.advance(10);
    engine.dispatcher.dispatchBlocking(['SET', 'next', VALUE], engine.session, batchNowMs);
    expect(forms.map(([name]) => name)).toContain('DEL');
    expect(forms.at(-1)![0]).toBe('SET');
    for (const [, nowMs] of forms) expect(nowMs).toBe(batchNowMs);
  });

  it('closes the unit of evictions made before a command that is queued in MULTI', () => {
    const engine = testEngine();
    engine.run('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-random');
    fill(engine, 20);
    capAtCurrentUse(engine);
    engine.run('SET', 'trigger', VALUE);
    const { units, pending } = recordUnits(engine);
    engine.run('MULTI');
    engine.store.eviction.maxBytes = 1;
    engine.run('SET', 'queued', VALUE);
    // The DELs made for the queued command are a unit of their own now, not part of a later one.
    expect(pending()).toEqual([]);
    expect(units.length).toBeGreaterThan(0);
    expect(units.flat().every((form) => form[0] === 'DEL')).toBe(true);
  });

  it('closes the unit of evictions made before a command that is then refused', () => {
    const engine = testEngine();
    engine.run('CONFIG', 'SET', 'maxmemory-policy', 'volatile-lru');
    engine.run('SET', 'expiring', VALUE, 'EX', '100');
    engine.run('SET', 'forever', VALUE);
    const { units } = recordUnits(engine);
    engine.store.eviction.maxBytes = 1;
    expect(errorText(engine.run('SET', 'k', 'v'))).toBe(OOM);
    expect(units).toEqual([[['DEL', 'expiring']]]);
  });

  it('announces evicted keys as keyspace events', () => {
    const engine = testEngine();
    const events: string[] = [];
    engine.run('CONFIG', 'SET', 'notify-keyspace-events', 'Ee');
    engine.server.pubsub.psubscribe({ id: -1, deliver: (m: PubSubMessage) => events.push(`${m.channel} ${m.message}`) }, '*');
    // Enough samples that the idle key is always seen (5 random picks among 3 keys may miss it).
    engine.run('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru', 'maxmemory-samples', '64');
    engine.run('SET', 'old', VALUE);
    engine.clock.advance(5000);
    engine.run('SET', 'young', VALUE);
    // Room for part of a key: the next SET goes over by less than one key's bytes.
    capAtCurrentUse(engine, 100);
    engine.run('SET', 'incoming', VALUE);
    engine.run('PING');
    expect(events).toEqual(['__keyevent@0__:evicted old']);
  });

  it('refuses a denyoom command queued in MULTI (EXECABORT), and EXEC whose queue adds memory (EXECABORT naming OOM, transaction discarded)', () => {
    const engine = testEngine();
    fill(engine, 3);
    engine.run('MULTI');
    engine.run('GET', 'k1');
    engine.run('SET', 'queued', VALUE);
    engine.store.eviction.maxBytes = 1;
    expect(errorText(engine.run('EXEC'))).toBe(`EXECABORT Transaction discarded because of: ${OOM}`);
    expect(engine.session.transaction).toBeUndefined();
    expect(engine.run('EXISTS', 'queued')).toBe(0);

    engine.run('MULTI');
    expect(errorText(engine.run('SET', 'again', VALUE))).toBe(OOM);
    expect(errorText(engine.run('EXEC'))).toContain('EXECABORT');

    engine.run('MULTI');
    engine.run('GET', 'k1');
    engine.run('DEL', 'k2');
    expect(engine.run('EXEC')).toEqual([VALUE, 1]);
  });
});

describe('maxmemory configuration', () => {
  it('CONFIG SET / GET take Redis\'s names, memory units and ranges', () => {
    const engine = testEngine();
    engine.run('CONFIG', 'SET', 'maxmemory', '100mb');
    expect(configGet(engine, 'maxmemory')).toEqual(['maxmemory', String(100 * 1024 * 1024)]);
    engine.run('CONFIG', 'SET', 'maxmemory-policy', 'ALLKEYS-LFU');
    expect(configGet(engine, 'maxmemory-policy')).toEqual(['maxmemory-policy', 'allkeys-lfu']);
    expect(errorText(engine.run('CONFIG', 'SET', 'maxmemory-policy', 'lru'))).toBe(
      "ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction",
    );
    expect(configGet(engine, 'maxmemory-samples')).toEqual(['maxmemory-samples', '5']);
    expect(errorText(engine.run('CONFIG', 'SET', 'maxmemory-samples', '65'))).toContain('argument must be between 1 and 64 inclusive');
    engine.run('CONFIG', 'SET', 'lfu-log-factor', '0', 'lfu-decay-time', '0');
    expect(configGet(engine, 'lfu-*')).toEqual(['lfu-log-factor', '0', 'lfu-decay-time', '0']);
  });

  it('INFO memory reports the accounting, the limit and the policy', () => {
    const engine = testEngine({ memory: { maxBytes: 256 * 1024 * 1024, policy: 'allkeys-lru', samples: 5 } });
    const empty = Number(info(engine, 'memory')['used_memory']);
    fill(engine, 100);
    const memory = info(engine, 'memory');
    expect(Number(memory['used_memory'])).toBeGreaterThan(empty + 100 * VALUE.length);
    expect(memory['used_memory_dataset']).toBe(memory['used_memory']);
    expect(memory['maxmemory']).toBe(String(256 * 1024 * 1024));
    expect(memory['maxmemory_human']).toBe('256.00M');
    expect(memory['maxmemory_policy']).toBe('allkeys-lru');
    expect(Number(memory['used_memory_rss'])).toBeGreaterThan(0);
    expect(Number(memory['mem_fragmentation_ratio'])).toBeGreaterThan(0);
  });

  it('MEMORY USAGE agrees with the growth of used_memory', () => {
    const engine = testEngine();
    engine.run('SET', 'warm', 'v');
    const before = engine.store.usedMemoryBytes();
    engine.run('HSET', 'h', ...Array.from({ length: 50 }, (_, i) => [`f${i}`, VALUE]).flat());
    const grown = engine.store.usedMemoryBytes() - before;
    const usage = engine.run('MEMORY', 'USAGE', 'h') as number;
    expect(Math.abs(usage - grown) / grown).toBeLessThan(0.05);
    expect(engine.run('MEMORY', 'USAGE', 'h', 'SAMPLES', '0')).toBe(usage);
    expect(engine.run('MEMORY', 'USAGE', 'missing')).toBeNull();
    engine.clock.advance(7000);
    engine.run('MEMORY', 'USAGE', 'h');
    expect(engine.run('OBJECT', 'IDLETIME', 'h')).toBe(7);
  });
});

describe('OBJECT IDLETIME and OBJECT FREQ', () => {
  it('IDLETIME counts seconds since the last access under LRU and refuses under LFU', () => {
    const engine = testEngine();
    engine.run('SET', 'k', 'v');
    engine.clock.advance(42_000);
    expect(engine.run('OBJECT', 'IDLETIME', 'k')).toBe(42);
    // OBJECT itself does not count as an access.
    expect(engine.run('OBJECT', 'IDLETIME', 'k')).toBe(42);
    engine.run('GET', 'k');
    expect(engine.run('OBJECT', 'IDLETIME', 'k')).toBe(0);
    expect(engine.run('OBJECT', 'IDLETIME', 'missing')).toBeNull();
    engine.run('CONFIG', 'SET', 'maxmemory-policy', 'volatile-lfu');
    expect(errorText(engine.run('OBJECT', 'IDLETIME', 'k'))).toContain('An LFU maxmemory policy is selected, idle time not tracked');
  });

  it('FREQ reports the LFU counter under an LFU policy and refuses otherwise', () => {
    const engine = testEngine();
    engine.run('SET', 'k', 'v');
    expect(errorText(engine.run('OBJECT', 'FREQ', 'k'))).toContain('An LFU maxmemory policy is not selected');
    engine.run('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu', 'lfu-log-factor', '0');
    engine.run('SET', 'fresh', 'v');
    // A new key starts at 5 (LFU_INIT_VAL); with lfu-log-factor 0 every access counts.
    for (let i = 0; i < 10; i++) engine.run('GET', 'fresh');
    expect(engine.run('OBJECT', 'FREQ', 'fresh')).toBe(15);
  });
});
