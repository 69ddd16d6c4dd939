import { Redis } from '@upstash/redis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHttpServer, type RunningHttpServer } from '../support/http-server.js';

/**
 * The real `@upstash/redis` client, default options (auto-pipelining, base64 responses, automatic
 * JSON deserialization of replies), on every data type through `/commands` on a loopback listener.
 * The client parses reply strings that look like JSON, so '1' comes back as the number 1.
 */
const TOKEN = 'upstash-types-token';

let server: RunningHttpServer;
let redis: Redis;

beforeAll(async () => {
  server = await startHttpServer({ auth: { tokens: [TOKEN] } });
  redis = new Redis({ url: `${server.url}/commands`, token: TOKEN });
});
afterAll(() => server.close());
beforeEach(() => {
  server.engine.run('FLUSHALL');
});

describe('@upstash/redis data types against /commands', () => {
  it('hashes: hset, hget, hmget, hgetall, hincrby, hexists, hkeys, hdel, hlen', async () => {
    expect(await redis.hset('user:1', { name: 'Ada Lovelace', lang: 'en', visits: 1 })).toBe(3);
    expect(await redis.hget('user:1', 'name')).toBe('Ada Lovelace');
    expect(await redis.hmget('user:1', 'name', 'missing')).toEqual({ name: 'Ada Lovelace', missing: null });
    expect(await redis.hincrby('user:1', 'visits', 41)).toBe(42);
    expect(await redis.hgetall('user:1')).toEqual({ name: 'Ada Lovelace', lang: 'en', visits: 42 });
    expect(await redis.hexists('user:1', 'lang')).toBe(1);
    expect((await redis.hkeys('user:1')).sort()).toEqual(['lang', 'name', 'visits']);
    expect(await redis.hsetnx('user:1', 'name', 'other')).toBe(0);
    expect(await redis.hdel('user:1', 'lang', 'missing')).toBe(1);
    expect(await redis.hlen('user:1')).toBe(2);
    expect(await redis.hgetall('nobody')).toBeNull();
    expect(await redis.type('user:1')).toBe('hash');
  });

  it('lists: rpush, lpush, lrange, lindex, lset, linsert, lrem, lpos, ltrim, lmove, lpop, rpop', async () => {
    expect(await redis.rpush('jobs', 'b', 'c')).toBe(2);
    expect(await redis.lpush('jobs', 'a')).toBe(3);
    expect(await redis.lrange('jobs', 0, -1)).toEqual(['a', 'b', 'c']);
    expect(await redis.lindex('jobs', -1)).toBe('c');
    expect(await redis.lset('jobs', 1, 'B')).toBe('OK');
    expect(await redis.linsert('jobs', 'after', 'B', 'b2')).toBe(4);
    expect(await redis.lpos('jobs', 'b2')).toBe(2);
    expect(await redis.rpush('jobs', 'c')).toBe(5);
    expect(await redis.lrem('jobs', 0, 'c')).toBe(2);
    expect(await redis.ltrim('jobs', 0, 1)).toBe('OK');
    expect(await redis.lmove('jobs', 'done', 'left', 'right')).toBe('a');
    expect(await redis.llen('jobs')).toBe(1);
    expect(await redis.rpop('jobs')).toBe('B');
    expect(await redis.lpop('jobs')).toBeNull();
    expect(await redis.lrange('done', 0, -1)).toEqual(['a']);
  });

  it('sets: sadd, smembers, sismember, smismember, scard, sinter, sunion, sdiff, smove, srem, spop', async () => {
    expect(await redis.sadd('red', 'apple', 'cherry', 'apple')).toBe(2);
    expect(await redis.sadd('fruit', 'apple', 'banana', 'cherry')).toBe(3);
    expect((await redis.smembers('red')).sort()).toEqual(['apple', 'cherry']);
    expect(await redis.sismember('red', 'cherry')).toBe(1);
    expect(await redis.smismember('red', ['apple', 'banana'])).toEqual([1, 0]);
    expect(await redis.scard('fruit')).toBe(3);
    expect((await redis.sinter('red', 'fruit')).sort()).toEqual(['apple', 'cherry']);
    expect((await redis.sunion('red', 'fruit')).sort()).toEqual(['apple', 'banana', 'cherry']);
    expect(await redis.sdiff('fruit', 'red')).toEqual(['banana']);
    expect(await redis.sinterstore('both', 'red', 'fruit')).toBe(2);
    expect(await redis.smove('fruit', 'red', 'banana')).toBe(1);
    expect(await redis.srem('red', 'apple')).toBe(1);
    const popped = await redis.spop<string>('both');
    expect(['apple', 'cherry']).toContain(popped);
    expect(await redis.scard('both')).toBe(1);
  });

  it('sorted sets: zadd (with options), zscore, zincrby, zrank, zrange (withScores, byScore, rev), zcount, zrem, zpopmin', async () => {
    expect(await redis.zadd('board', { score: 120, member: 'ada' }, { score: 95.5, member: 'bob' }, { score: 70, member: 'cy' })).toBe(3);
    expect(await redis.zadd('board', { xx: true, ch: true }, { score: 99, member: 'cy' }, { score: 1, member: 'new' })).toBe(1);
    expect(await redis.zscore('board', 'bob')).toBe(95.5);
    expect(await redis.zincrby('board', 0.5, 'bob')).toBe(96);
    expect(await redis.zrank('board', 'ada')).toBe(2);
    expect(await redis.zrange('board', 0, -1, { withScores: true })).toEqual(['bob', 96, 'cy', 99, 'ada', 120]);
    expect(await redis.zrange('board', 97, 200, { byScore: true })).toEqual(['cy', 'ada']);
    expect(await redis.zrange('board', 0, 0, { rev: true })).toEqual(['ada']);
    expect(await redis.zcount('board', '(96', '+inf')).toBe(2);
    expect(await redis.zrem('board', 'new', 'missing')).toBe(0);
    expect(await redis.zrem('board', 'cy')).toBe(1);
    expect(await redis.zpopmin('board')).toEqual(['bob', 96]);
    expect(await redis.zcard('board')).toBe(1);
  });

  it('an explicit pipeline mixing every type answers each reply in order', async () => {
    const pipeline = redis.pipeline();
    pipeline.hset('h', { f: 'v' }).rpush('l', 'x', 'y').sadd('s', 'm').zadd('z', { score: 2, member: 'two' });
    pipeline.hget('h', 'f').lrange('l', 0, -1).smembers('s').zrange('z', 0, -1, { withScores: true }).type('z');
    expect(await pipeline.exec()).toEqual([1, 2, 1, 1, 'v', ['x', 'y'], ['m'], ['two', 2], 'zset']);
  });

  it('a multi-exec transaction over every type runs atomically, a WRONGTYPE inside stays that command\'s error', async () => {
    const transaction = redis.multi();
    transaction.hset('h', { n: 1 }).hincrby('h', 'n', 1).rpush('l', 'a').lpop('l').sadd('s', 'a').zincrby('z', 2, 'm').zscore('z', 'm');
    expect(await transaction.exec()).toEqual([1, 2, 1, 'a', 1, 2, 2]);
    const failing = redis.multi();
    failing.rpush('q', 'job').sadd('q', 'oops').llen('q');
    await expect(failing.exec()).rejects.toThrow('WRONGTYPE Operation against a key holding the wrong kind of value');
    expect(await redis.llen('q')).toBe(1);
  });

  it('values written through PUT /keys read back through the client, and the other way round', async () => {
    const put = await fetch(`${server.url}/keys/board`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'zset', value: [{ member: 'ada', score: 3 }, { member: 'bob', score: 1.5 }], ttl: 60 }),
    });
    expect(put.status).toBe(201);
    expect(await redis.zrange('board', 0, -1, { withScores: true })).toEqual(['bob', 1.5, 'ada', 3]);
    expect(await redis.ttl('board')).toBe(60);
    await redis.hset('profile', { name: 'Ada', city: 'Zürich' });
    const get = await fetch(`${server.url}/keys/profile`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(await get.json()).toMatchObject({ type: 'hash', value: { name: 'Ada', city: 'Zürich' } });
  });
});
