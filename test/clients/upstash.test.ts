import { Redis } from '@upstash/redis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHttpServer, type RunningHttpServer } from '../support/http-server.js';

/**
 * The real `@upstash/redis` client with its default options (auto-pipelining on, base64 response
 * encoding on, read-your-writes sync token, telemetry headers) against a loopback server.
 */
const TOKEN = 'upstash-test-token';

interface Seen {
  url: string;
  method: string;
  encoding: string | undefined;
}

let server: RunningHttpServer;
let redis: Redis;
const seen: Seen[] = [];

beforeAll(async () => {
  server = await startHttpServer({ auth: { tokens: [TOKEN] } });
  server.app.server.on('request', (request: { url?: string; method?: string; headers: Record<string, unknown> }) => {
    seen.push({ url: request.url ?? '', method: request.method ?? '', encoding: request.headers['upstash-encoding'] as string | undefined });
  });
  redis = new Redis({ url: `${server.url}/commands`, token: TOKEN });
});
afterAll(() => server.close());
beforeEach(() => {
  server.engine.run('FLUSHALL');
});

describe('@upstash/redis against /commands', () => {
  it('set, get, incr, mget and del', async () => {
    expect(await redis.set('greeting', 'héllo wörld')).toBe('OK');
    expect(await redis.get('greeting')).toBe('héllo wörld');
    expect(await redis.incr('visits')).toBe(1);
    expect(await redis.incr('visits')).toBe(2);
    expect(await redis.mget('greeting', 'visits', 'missing')).toEqual(['héllo wörld', 2, null]);
    expect(await redis.del('greeting', 'visits', 'missing')).toBe(2);
    expect(await redis.get('greeting')).toBeNull();
  });

  it('set with ex and nx', async () => {
    expect(await redis.set('session', 'a', { ex: 100, nx: true })).toBe('OK');
    expect(await redis.set('session', 'b', { nx: true })).toBeNull();
    expect(await redis.ttl('session')).toBe(100);
    server.engine.clock.advance(100_000);
    expect(await redis.get('session')).toBeNull();
  });

  it('scan walks every key', async () => {
    await redis.mset({ 'user:1': 'a', 'user:2': 'b', 'other': 'c' });
    const found: string[] = [];
    let cursor: string | number = 0;
    do {
      const [next, keys]: [string | number, string[]] = await redis.scan(cursor, { match: 'user:*', count: 1 });
      found.push(...keys);
      cursor = next;
    } while (String(cursor) !== '0');
    expect(found.sort()).toEqual(['user:1', 'user:2']);
  });

  it('stores a JSON object value and reads the same object back', async () => {
    const profile = { name: 'Ada', tags: ['math', 'engines'], active: true, score: 1.5, boss: null };
    await redis.set('profile', profile);
    expect(await redis.get('profile')).toEqual(profile);
    expect(server.engine.run('GET', 'profile')).toBe(JSON.stringify(profile));
  });

  it('an explicit pipeline', async () => {
    const pipeline = redis.pipeline();
    pipeline.set('n', 1).incr('n').incrby('n', 10).get('n');
    expect(await pipeline.exec()).toEqual(['OK', 2, 12, 12]);
  });

  it('a multi-exec transaction', async () => {
    const transaction = redis.multi();
    transaction.set('b', 'x').append('b', 'y').get('b').strlen('b');
    expect(await transaction.exec()).toEqual(['OK', 2, 'xy', 2]);
  });

  it('concurrent transactions never interleave', async () => {
    const runs = Array.from({ length: 20 }, async () => {
      const transaction = redis.multi();
      transaction.incr('counter').incr('counter').get('counter');
      return transaction.exec<[number, number, number]>();
    });
    for (const [first, second, read] of await Promise.all(runs)) {
      expect(second).toBe(first + 1);
      expect(read).toBe(second);
    }
    expect(await redis.get('counter')).toBe(40);
  });

  it('a command error rejects with Redis\'s text', async () => {
    await redis.set('word', 'abc');
    await expect(redis.incr('word')).rejects.toThrow('ERR value is not an integer or out of range');
  });

  it('a pipeline error names the failing command', async () => {
    const pipeline = redis.pipeline();
    pipeline.set('word', 'abc').incr('word');
    await expect(pipeline.exec()).rejects.toThrow('Command 2 [ incr ] failed: ERR value is not an integer or out of range');
  });

  it('a wrong token is refused with Unauthorized', async () => {
    const intruder = new Redis({ url: `${server.url}/commands`, token: 'wrong' });
    await expect(intruder.get('greeting')).rejects.toThrow(/^Unauthorized/);
  });

  it('only ever POSTs to /commands, /commands/pipeline and /commands/multi-exec with base64 encoding', async () => {
    seen.length = 0;
    await Promise.all([redis.set('a', '1'), redis.get('a')]);
    await redis.scan(0);
    await redis.multi().incr('a').exec();
    await redis.pipeline().get('a').exec();
    const urls = new Set(seen.map((request) => `${request.method} ${request.url}`));
    expect([...urls].sort()).toEqual(['POST /commands', 'POST /commands/multi-exec', 'POST /commands/pipeline']);
    expect(seen.every((request) => request.encoding === 'base64')).toBe(true);
  });
});
