import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { KeyValueSchema } from '../../schemas/keys.js';
import { DoubleReply } from '../../src/commands/reply.js';
import { expectProblem, keysApp, putJson } from './keys-support.js';

/** Hashes, lists, sets and sorted sets through `PUT` / `GET /keys/:key`, and across to the Redis commands. */

const latin1 = (bytes: number[]) => Buffer.from(bytes).toString('latin1');
const base64 = (bytes: number[]) => Buffer.from(bytes).toString('base64');

/** A GET body, checked against the documented schema (the route builds it as a string). */
function body(response: LightMyRequestResponse): Record<string, unknown> {
  expect(response.statusCode, response.body).toBe(200);
  const parsed = response.json<Record<string, unknown>>();
  expect(KeyValueSchema.safeParse(parsed).success, response.body).toBe(true);
  return parsed;
}

describe('PUT then GET round-trips every type', () => {
  it('a hash comes back as an object and reads with HGETALL', async () => {
    const { app, engine } = await keysApp();
    const put = await putJson(app, '/keys/session', { type: 'hash', value: { user: '42', theme: 'därk', empty: '' } });
    expect(put.statusCode).toBe(201);
    expect(put.headers.location).toBe('/keys/session');
    const get = await app.inject('/keys/session');
    expect(body(get)).toEqual({ key: 'session', type: 'hash', value: { user: '42', theme: 'därk', empty: '' }, ttl: null, ttlMs: null });
    expect(get.headers.etag).toBe(put.headers.etag);
    expect(engine.run('HGETALL', 'session')).toEqual(expect.objectContaining({ entries: [['user', '42'], ['theme', latin1([0x64, 0xc3, 0xa4, 0x72, 0x6b])], ['empty', '']] }));
  });

  it('a list keeps its order and duplicates and reads with LRANGE', async () => {
    const { app, engine } = await keysApp();
    await putJson(app, '/keys/queue', { type: 'list', value: ['b', 'a', 'b', ''] });
    expect(body(await app.inject('/keys/queue'))).toMatchObject({ type: 'list', value: ['b', 'a', 'b', ''] });
    expect(engine.run('LRANGE', 'queue', 0, -1)).toEqual(['b', 'a', 'b', '']);
    expect(engine.run('LPOP', 'queue')).toBe('b');
  });

  it('a set counts a repeated member once (as SADD) and reads with SMEMBERS', async () => {
    const { app, engine } = await keysApp();
    await putJson(app, '/keys/tags', { type: 'set', value: ['red', 'green', 'red'] });
    const value = body(await app.inject('/keys/tags')).value as string[];
    expect([...value].sort()).toEqual(['green', 'red']);
    expect(engine.run('SCARD', 'tags')).toBe(2);
    expect(engine.run('SISMEMBER', 'tags', 'green')).toBe(1);
  });

  it('a sorted set comes back lowest score first, ties by member, infinities as "inf" / "-inf"', async () => {
    const { app, engine } = await keysApp();
    const members = [
      { member: 'top', score: 'inf' },
      { member: 'b', score: 2.5 },
      { member: 'a', score: 2.5 },
      { member: 'bottom', score: '-inf' },
      { member: 'tiny', score: 1e-300 },
      { member: 'plus', score: '+inf' },
    ];
    expect((await putJson(app, '/keys/board', { type: 'zset', value: members })).statusCode).toBe(201);
    expect(body(await app.inject('/keys/board')).value).toEqual([
      { member: 'bottom', score: '-inf' },
      { member: 'tiny', score: 1e-300 },
      { member: 'a', score: 2.5 },
      { member: 'b', score: 2.5 },
      { member: 'plus', score: 'inf' },
      { member: 'top', score: 'inf' },
    ]);
    const d = (score: number) => new DoubleReply(score);
    expect(engine.run('ZRANGE', 'board', 0, -1, 'WITHSCORES')).toEqual(
      ['bottom', d(-Infinity), 'tiny', d(1e-300), 'a', d(2.5), 'b', d(2.5), 'plus', d(Infinity), 'top', d(Infinity)],
    );
  });

  it('a repeated sorted-set member keeps its last score, as one ZADD would', async () => {
    const { app, engine } = await keysApp();
    await putJson(app, '/keys/z', { type: 'zset', value: [{ member: 'm', score: 1 }, { member: 'm', score: 3 }] });
    expect(engine.run('ZSCORE', 'z', 'm')).toEqual(new DoubleReply(3));
    expect(engine.run('ZCARD', 'z')).toBe(1);
  });
});

describe('bytes that are not UTF-8', () => {
  it('a base64 envelope stores the decoded bytes of every field and value', async () => {
    const { app, engine } = await keysApp();
    const put = await putJson(app, '/keys/h', { type: 'hash', value: { [base64([0xff, 0x00])]: base64([0x80]), [base64([0x61])]: base64([0x62]) }, encoding: 'base64' });
    expect(put.statusCode).toBe(201);
    expect(engine.run('HGET', 'h', latin1([0xff, 0x00]))).toBe(latin1([0x80]));
    expect(engine.run('HGET', 'h', 'a')).toBe('b');
    expect(body(await app.inject('/keys/h'))).toMatchObject({ value: { '/wA=': 'gA==', 'YQ==': 'Yg==' }, encoding: 'base64' });
  });

  it('one member that is not UTF-8 turns every member of the reply to base64; scores stay numbers', async () => {
    const { app, engine } = await keysApp();
    engine.run('ZADD', 'z', 1, 'a', 2, latin1([0xc3, 0x28]));
    expect(body(await app.inject('/keys/z'))).toMatchObject({
      value: [{ member: 'YQ==', score: 1 }, { member: 'wyg=', score: 2 }],
      encoding: 'base64',
    });
    engine.run('RPUSH', 'l', 'plain', Buffer.from('ünïcode').toString('latin1'));
    const list = body(await app.inject('/keys/l'));
    expect(list.value).toEqual(['plain', 'ünïcode']);
    expect(list).not.toHaveProperty('encoding');
  });

  it('a sorted set written in base64 round-trips its member bytes exactly', async () => {
    const { app, engine } = await keysApp();
    const member = [0, 1, 254, 255];
    await putJson(app, '/keys/z', { type: 'zset', value: [{ member: base64(member), score: -1.5 }], encoding: 'base64' });
    expect(engine.run('ZSCORE', 'z', latin1(member))).toEqual(new DoubleReply(-1.5));
    expect(body(await app.inject('/keys/z')).value).toEqual([{ member: base64(member), score: -1.5 }]);
  });
});

describe('values written by Redis commands read over REST', () => {
  it('HSET, RPUSH, SADD and ZADD values come back in their JSON forms', async () => {
    const { app, engine } = await keysApp();
    engine.run('HSET', 'h', 'f1', 'v1', '__proto__', 'safe');
    engine.run('RPUSH', 'l', 'x', 'y');
    engine.run('LPUSH', 'l', 'w');
    engine.run('SADD', 's', 'only');
    engine.run('ZADD', 'z', 10, 'ten', -3, 'minus');
    expect(body(await app.inject('/keys/h')).value).toEqual(JSON.parse('{"f1":"v1","__proto__":"safe"}'));
    expect(body(await app.inject('/keys/l')).value).toEqual(['w', 'x', 'y']);
    expect(body(await app.inject('/keys/s')).value).toEqual(['only']);
    expect(body(await app.inject('/keys/z')).value).toEqual([{ member: 'minus', score: -3 }, { member: 'ten', score: 10 }]);
  });

  it('GET sees every later Redis write, and the ETag changes with the value', async () => {
    const { app, engine } = await keysApp();
    await putJson(app, '/keys/s', { type: 'set', value: ['a'] });
    const before = await app.inject('/keys/s');
    engine.run('SADD', 's', 'b');
    const after = await app.inject('/keys/s');
    expect((body(after).value as string[]).sort()).toEqual(['a', 'b']);
    expect(after.headers.etag).not.toBe(before.headers.etag);
    engine.run('SREM', 's', 'b');
    expect((await app.inject('/keys/s')).headers.etag).toBe(before.headers.etag);
  });

  it('an aggregate is served as JSON even when the client asks for raw bytes', async () => {
    const { app, engine } = await keysApp();
    engine.run('RPUSH', 'l', 'a');
    const get = await app.inject({ url: '/keys/l', headers: { accept: 'application/octet-stream' } });
    expect(get.headers['content-type']).toMatch(/^application\/json/);
    expect(body(get).value).toEqual(['a']);
  });
});

describe('TTL and replace semantics', () => {
  it('ttl applies to every type and expires on the engine clock', async () => {
    const { app, engine } = await keysApp();
    const put = await putJson(app, '/keys/l', { type: 'list', value: ['a'], ttl: 10 });
    expect(put.json()).toMatchObject({ created: true, ttl: 10, ttlMs: 10_000 });
    expect(engine.run('PTTL', 'l')).toBe(10_000);
    await putJson(app, '/keys/z', { type: 'zset', value: [{ member: 'a', score: 1 }] }, {});
    await app.inject({ method: 'PUT', url: '/keys/z?ttlMs=1500', payload: { type: 'zset', value: [{ member: 'b', score: 2 }] } });
    expect(engine.run('PTTL', 'z')).toBe(1500);
    engine.clock.advance(10_000);
    expectProblem(await app.inject('/keys/l'), 404, 'not_found');
    expectProblem(await app.inject('/keys/z'), 404, 'not_found');
  });

  it('PUT replaces the whole value and clears the TTL unless keepTtl is given', async () => {
    const { app, engine } = await keysApp();
    engine.run('HSET', 'h', 'old', '1', 'kept', '2');
    engine.run('EXPIRE', 'h', 100);
    const replaced = await putJson(app, '/keys/h', { type: 'hash', value: { kept: 'new' }, keepTtl: true });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json()).toMatchObject({ created: false, ttl: 100 });
    expect(engine.run('HGETALL', 'h')).toEqual(expect.objectContaining({ entries: [['kept', 'new']] }));
    await putJson(app, '/keys/h', { type: 'hash', value: { again: 'x' } });
    expect(engine.run('TTL', 'h')).toBe(-1);
  });

  it('PUT changes the type of a key: string to list, list to zset, zset to string', async () => {
    const { app, engine } = await keysApp();
    engine.run('SET', 'k', 'text');
    expect((await putJson(app, '/keys/k', { type: 'list', value: ['a'] })).statusCode).toBe(200);
    expect(engine.run('TYPE', 'k')).toEqual(expect.objectContaining({ value: 'list' }));
    await putJson(app, '/keys/k', { type: 'zset', value: [{ member: 'a', score: 1 }] });
    expect(engine.run('TYPE', 'k')).toEqual(expect.objectContaining({ value: 'zset' }));
    await putJson(app, '/keys/k', { type: 'string', value: 'back' });
    expect(engine.run('GET', 'k')).toBe('back');
  });

  it('the write goes through the dispatcher: write observers see it as one command', async () => {
    const { app, engine } = await keysApp();
    const seen: string[][] = [];
    engine.dispatcher.onWrite((_db, argv) => seen.push([...argv]));
    await putJson(app, '/keys/h', { type: 'hash', value: { f: 'v' }, ttl: 5 });
    expect(seen).toEqual([['larder.replace', 'h', 'hash', 'PX', '5000', 'ITEMS', 'f', 'v']]);
  });
});

describe('conditional writes and reads on aggregates', () => {
  it('nx and xx refuse with 412 and leave the value as it was', async () => {
    const { app, engine } = await keysApp();
    expectProblem(await putJson(app, '/keys/s', { type: 'set', value: ['a'], xx: true }), 412, 'precondition_failed');
    expect(engine.run('EXISTS', 's')).toBe(0);
    await putJson(app, '/keys/s', { type: 'set', value: ['a'], nx: true });
    expectProblem(await putJson(app, '/keys/s', { type: 'set', value: ['b'], nx: true }), 412, 'precondition_failed');
    expect(engine.run('SMEMBERS', 's')).toEqual(expect.objectContaining({ items: ['a'] }));
    expect((await putJson(app, '/keys/s', { type: 'set', value: ['c'], xx: true })).statusCode).toBe(200);
  });

  it('If-Match with the ETag from GET is a compare-and-set; a Redis write in between makes it fail', async () => {
    const { app, engine } = await keysApp();
    await putJson(app, '/keys/l', { type: 'list', value: ['a'] });
    const etag = (await app.inject('/keys/l')).headers.etag as string;
    engine.run('RPUSH', 'l', 'sneaked in');
    const stale = await putJson(app, '/keys/l', { type: 'list', value: ['b'] }, { 'if-match': etag });
    expectProblem(stale, 412, 'precondition_failed');
    const current = stale.headers.etag as string;
    expect(current).toBe((await app.inject('/keys/l')).headers.etag);
    const fresh = await putJson(app, '/keys/l', { type: 'list', value: ['b'] }, { 'if-match': current });
    expect(fresh.statusCode).toBe(200);
    expect(engine.run('LRANGE', 'l', 0, -1)).toEqual(['b']);
  });

  it('If-None-Match: * creates only; an ETag gives 304 on GET and HEAD while unchanged', async () => {
    const { app, engine } = await keysApp();
    const put = await putJson(app, '/keys/z', { type: 'zset', value: [{ member: 'a', score: 1 }] }, { 'if-none-match': '*' });
    expect(put.statusCode).toBe(201);
    expectProblem(await putJson(app, '/keys/z', { type: 'zset', value: [{ member: 'b', score: 1 }] }, { 'if-none-match': '*' }), 412, 'precondition_failed');
    const etag = put.headers.etag as string;
    expect((await app.inject({ url: '/keys/z', headers: { 'if-none-match': etag } })).statusCode).toBe(304);
    const head = await app.inject({ method: 'HEAD', url: '/keys/z' });
    expect(head.statusCode).toBe(200);
    expect(head.headers.etag).toBe(etag);
    engine.run('ZINCRBY', 'z', 1, 'a');
    expect((await app.inject({ url: '/keys/z', headers: { 'if-none-match': etag } })).statusCode).toBe(200);
  });

  it('DELETE with If-Match deletes an aggregate only while unchanged', async () => {
    const { app, engine } = await keysApp();
    const etag = (await putJson(app, '/keys/h', { type: 'hash', value: { f: 'v' } })).headers.etag as string;
    engine.run('HSET', 'h', 'g', 'w');
    expectProblem(await app.inject({ method: 'DELETE', url: '/keys/h', headers: { 'if-match': etag } }), 412, 'precondition_failed');
    const current = (await app.inject('/keys/h')).headers.etag as string;
    expect((await app.inject({ method: 'DELETE', url: '/keys/h', headers: { 'if-match': current } })).statusCode).toBe(204);
  });

  it('two values with the same items in the same order share an ETag; different types never do', async () => {
    const { app } = await keysApp();
    const list = await putJson(app, '/keys/a', { type: 'list', value: ['x', 'y'] });
    const sameList = await putJson(app, '/keys/b', { type: 'list', value: ['x', 'y'] });
    const set = await putJson(app, '/keys/c', { type: 'set', value: ['x', 'y'] });
    const split = await putJson(app, '/keys/d', { type: 'list', value: ['xy'] });
    expect(sameList.headers.etag).toBe(list.headers.etag);
    expect(new Set([list.headers.etag, set.headers.etag, split.headers.etag]).size).toBe(3);
  });
});

describe('refused writes', () => {
  it('an empty aggregate is refused with 400 empty_value and the key is untouched', async () => {
    const { app, engine } = await keysApp();
    engine.run('SET', 'k', 'kept');
    for (const envelope of [{ type: 'hash', value: {} }, { type: 'list', value: [] }, { type: 'set', value: [] }, { type: 'zset', value: [] }]) {
      expectProblem(await putJson(app, '/keys/k', envelope), 400, 'empty_value');
    }
    expect(engine.run('GET', 'k')).toBe('kept');
  });

  it('a value that does not fit its type, or an unknown type, is refused with 400 invalid_envelope', async () => {
    const { app } = await keysApp();
    const bad = [
      { type: 'hash', value: { count: 5 } },
      { type: 'hash', value: ['a'] },
      { type: 'list', value: ['a', 1] },
      { type: 'set', value: 'a' },
      { type: 'zset', value: [{ member: 'a' }] },
      { type: 'zset', value: [{ member: 'a', score: 'NaN' }] },
      { type: 'zset', value: [{ member: 'a', score: 1, extra: true }] },
      { type: 'stream', value: [] },
      { type: 'list', value: ['a'], encoding: 'hex' },
    ];
    for (const envelope of bad) {
      const problem = expectProblem(await putJson(app, '/keys/k', envelope), 400, 'invalid_envelope');
      expect(problem.detail, JSON.stringify(envelope)).toMatch(/type|value|encoding/);
    }
  });

  it('a member that is not base64 under encoding: base64 is refused with 400 invalid_base64', async () => {
    const { app } = await keysApp();
    expectProblem(await putJson(app, '/keys/s', { type: 'set', value: ['ok==', 'not*base64'], encoding: 'base64' }), 400, 'invalid_base64');
  });

  it('a field, value or member over limits.maxValueBytes is refused with 413 value_too_large', async () => {
    const { app, engine } = await keysApp({ engineLimits: { maxValueBytes: 8 } });
    expectProblem(await putJson(app, '/keys/h', { type: 'hash', value: { f: '123456789' } }), 413, 'value_too_large');
    expectProblem(await putJson(app, '/keys/z', { type: 'zset', value: [{ member: '123456789', score: 1 }] }), 413, 'value_too_large');
    expect((await putJson(app, '/keys/l', { type: 'list', value: ['12345678', '12345678'] })).statusCode).toBe(201);
    expect(engine.run('EXISTS', 'h', 'z')).toBe(0);
  });
});
