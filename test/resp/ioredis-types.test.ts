import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { testAppOptions } from '../support/http-server.js';
import { connectIoredis, startResp, type RespHarness } from './harness.js';

/**
 * ioredis (RESP2) on every data type: the scenarios the @upstash/redis test runs over /commands
 * (test/clients/upstash-types.test.ts), here over the RESP door, plus REST writes seen by RESP
 * clients on the same engine.
 */

let larder: RespHarness;
let redis: Redis;
let http: FastifyInstance;

beforeAll(async () => {
  larder = await startResp();
  http = await buildApp(testAppOptions({ engine: larder.engine }));
  redis = await connectIoredis(larder.port);
});
afterAll(async () => {
  redis.disconnect();
  await http.close();
  await larder.close();
});
beforeEach(() => {
  larder.engine.run('FLUSHALL');
});

describe('ioredis data types over RESP', () => {
  it('hashes: hset, hget, hmget, hgetall, hincrby, hincrbyfloat, hexists, hkeys, hsetnx, hdel, hlen', async () => {
    expect(await redis.hset('user:1', { name: 'Ada Lovelace', lang: 'en', visits: '1' })).toBe(3);
    expect(await redis.hget('user:1', 'name')).toBe('Ada Lovelace');
    expect(await redis.hmget('user:1', 'name', 'missing')).toEqual(['Ada Lovelace', null]);
    expect(await redis.hincrby('user:1', 'visits', 41)).toBe(42);
    expect(await redis.hincrbyfloat('user:1', 'score', '1.5')).toBe('1.5');
    expect(await redis.hgetall('user:1')).toEqual({ name: 'Ada Lovelace', lang: 'en', visits: '42', score: '1.5' });
    expect(await redis.hexists('user:1', 'lang')).toBe(1);
    expect((await redis.hkeys('user:1')).sort()).toEqual(['lang', 'name', 'score', 'visits']);
    expect(await redis.hsetnx('user:1', 'name', 'other')).toBe(0);
    expect(await redis.hdel('user:1', 'lang', 'missing')).toBe(1);
    expect(await redis.hlen('user:1')).toBe(3);
    expect(await redis.hgetall('nobody')).toEqual({});
    expect(await redis.type('user:1')).toBe('hash');
  });

  it('lists: rpush, lpush, lrange, lindex, lset, linsert, lrem, lpos, ltrim, lmove, lpop, rpop', async () => {
    expect(await redis.rpush('jobs', 'b', 'c')).toBe(2);
    expect(await redis.lpush('jobs', 'a')).toBe(3);
    expect(await redis.lrange('jobs', 0, -1)).toEqual(['a', 'b', 'c']);
    expect(await redis.lindex('jobs', -1)).toBe('c');
    expect(await redis.lset('jobs', 1, 'B')).toBe('OK');
    expect(await redis.linsert('jobs', 'AFTER', 'B', 'b2')).toBe(4);
    expect(await redis.lpos('jobs', 'b2')).toBe(2);
    expect(await redis.rpush('jobs', 'c')).toBe(5);
    expect(await redis.lrem('jobs', 0, 'c')).toBe(2);
    expect(await redis.ltrim('jobs', 0, 1)).toBe('OK');
    expect(await redis.lmove('jobs', 'done', 'LEFT', 'RIGHT')).toBe('a');
    expect(await redis.llen('jobs')).toBe(1);
    expect(await redis.rpop('jobs')).toBe('B');
    expect(await redis.lpop('jobs')).toBeNull();
    expect(await redis.lrange('done', 0, -1)).toEqual(['a']);
  });

  it('sets: sadd, smembers, sismember, smismember, scard, sinter, sunion, sdiff, sinterstore, smove, srem, spop', async () => {
    expect(await redis.sadd('red', 'apple', 'cherry', 'apple')).toBe(2);
    expect(await redis.sadd('fruit', 'apple', 'banana', 'cherry')).toBe(3);
    expect((await redis.smembers('red')).sort()).toEqual(['apple', 'cherry']);
    expect(await redis.sismember('red', 'cherry')).toBe(1);
    expect(await redis.smismember('red', 'apple', 'banana')).toEqual([1, 0]);
    expect(await redis.scard('fruit')).toBe(3);
    expect((await redis.sinter('red', 'fruit')).sort()).toEqual(['apple', 'cherry']);
    expect((await redis.sunion('red', 'fruit')).sort()).toEqual(['apple', 'banana', 'cherry']);
    expect(await redis.sdiff('fruit', 'red')).toEqual(['banana']);
    expect(await redis.sinterstore('both', 'red', 'fruit')).toBe(2);
    expect(await redis.smove('fruit', 'red', 'banana')).toBe(1);
    expect(await redis.srem('red', 'apple')).toBe(1);
    expect(['apple', 'cherry']).toContain(await redis.spop('both'));
    expect(await redis.scard('both')).toBe(1);
  });

  it('sorted sets: zadd (with options), zscore, zincrby, zrank, zrange (WITHSCORES, BYSCORE, REV), zcount, zrem, zpopmin', async () => {
    expect(await redis.zadd('board', 120, 'ada', 95.5, 'bob', 70, 'cy')).toBe(3);
    expect(await redis.zadd('board', 'XX', 'CH', 99, 'cy', 1, 'new')).toBe(1);
    expect(await redis.zscore('board', 'bob')).toBe('95.5');
    expect(await redis.zincrby('board', '0.5', 'bob')).toBe('96');
    expect(await redis.zrank('board', 'ada')).toBe(2);
    expect(await redis.zrange('board', 0, -1, 'WITHSCORES')).toEqual(['bob', '96', 'cy', '99', 'ada', '120']);
    expect(await redis.zrange('board', 97, 200, 'BYSCORE')).toEqual(['cy', 'ada']);
    expect(await redis.zrange('board', 0, 0, 'REV')).toEqual(['ada']);
    expect(await redis.zcount('board', '(96', '+inf')).toBe(2);
    expect(await redis.zadd('board', '+inf', 'top')).toBe(1);
    expect(await redis.zrange('board', -1, -1, 'WITHSCORES')).toEqual(['top', 'inf']);
    expect(await redis.zrem('board', 'top', 'missing')).toBe(1);
    expect(await redis.zpopmin('board')).toEqual(['bob', '96']);
    expect(await redis.zcard('board')).toBe(2);
  });

  it('a pipeline mixing every type answers each reply in order', async () => {
    const results = await redis
      .pipeline()
      .hset('h', 'f', 'v').rpush('l', 'x', 'y').sadd('s', 'm').zadd('z', 2, 'two')
      .hget('h', 'f').lrange('l', 0, -1).smembers('s').zrange('z', 0, -1, 'WITHSCORES').type('z')
      .exec();
    expect(results).toEqual([1, 2, 1, 1, 'v', ['x', 'y'], ['m'], ['two', '2'], 'zset'].map((value) => [null, value]));
  });

  it('MULTI/EXEC over every type runs atomically; a WRONGTYPE inside is that command\'s error only', async () => {
    const replies = await redis.multi().hset('h', 'n', '1').hincrby('h', 'n', 1).rpush('l', 'a').lpop('l').sadd('s', 'a').zincrby('z', 2, 'm').exec();
    expect(replies).toEqual([1, 2, 1, 'a', 1, '2'].map((value) => [null, value]));
    const mixed = await redis.multi().rpush('q', 'job').sadd('q', 'oops').llen('q').exec();
    expect(mixed![0]).toEqual([null, 1]);
    expect(mixed![1]![0]).toBeInstanceOf(Error);
    expect((mixed![1]![0] as Error).message).toBe('WRONGTYPE Operation against a key holding the wrong kind of value');
    expect(mixed![2]).toEqual([null, 1]);
  });
});

describe('REST writes seen over RESP', () => {
  it('every type PUT over REST reads back with HGETALL, LRANGE, SMEMBERS and ZRANGE WITHSCORES', async () => {
    const put = (key: string, envelope: unknown) =>
      http.inject({ method: 'PUT', url: `/keys/${key}`, payload: JSON.stringify(envelope), headers: { 'content-type': 'application/json' } });
    await put('h', { type: 'hash', value: { f: 'v', g: 'w' } });
    await put('l', { type: 'list', value: ['a', 'b'] });
    await put('s', { type: 'set', value: ['m'] });
    await put('z', { type: 'zset', value: [{ member: 'hi', score: 2 }, { member: 'lo', score: '-inf' }], ttl: 30 });
    expect(await redis.hgetall('h')).toEqual({ f: 'v', g: 'w' });
    expect(await redis.lrange('l', 0, -1)).toEqual(['a', 'b']);
    expect(await redis.smembers('s')).toEqual(['m']);
    expect(await redis.zrange('z', 0, -1, 'WITHSCORES')).toEqual(['lo', '-inf', 'hi', '2']);
    expect(await redis.ttl('z')).toBe(30);
  });

  it('a client blocked in BLPOP is served by a list created with PUT /keys', async () => {
    const blocked = redis.duplicate();
    try {
      const popped = blocked.blpop('inbox', 5);
      // Only PUT once the client is parked, so the list really wakes it rather than being there first.
      while (!(await redis.info('clients')).includes('blocked_clients:1')) await new Promise((resolve) => setTimeout(resolve, 5));
      const put = await http.inject({ method: 'PUT', url: '/keys/inbox', payload: { type: 'list', value: ['first', 'second'] } });
      expect(put.statusCode).toBe(201);
      expect(await popped).toEqual(['inbox', 'first']);
      expect(await redis.lrange('inbox', 0, -1)).toEqual(['second']);
    } finally {
      blocked.disconnect();
    }
  });
});
