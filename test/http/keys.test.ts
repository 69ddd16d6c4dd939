import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { OK } from '../../src/commands/reply.js';
import { expectProblem, keysApp, putJson, putRaw } from './keys-support.js';

/** The engine's byte string for UTF-8 text, as RESP would carry it. */
const bytesOf = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

describe('REST JSON round trips', () => {
  const values: Array<[string, unknown]> = [
    ['an object', { name: 'Ada', langs: ['en', 'fr'], nested: { ok: true, n: 1.5 } }],
    ['a number', 42.25],
    ['a string', 'hello, wörld ✓'],
    ['a boolean', false],
    ['null', null],
    ['an array', [1, 'two', null]],
  ];
  for (const [name, value] of values) {
    it(`stores ${name} and reads back the same JSON value and type`, async () => {
      const { app } = await keysApp();
      const put = await putJson(app, '/keys/k', { value });
      expect(put.statusCode).toBe(201);
      const get = await app.inject({ method: 'GET', url: '/keys/k' });
      expect(get.statusCode).toBe(200);
      expect(get.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(get.json()).toEqual({ key: 'k', type: 'string', value, ttl: null, ttlMs: null });
    });
  }

  it('round-trips random binary bytes exactly as a raw body', async () => {
    const { app } = await keysApp();
    const bytes = randomBytes(4096);
    expect((await putRaw(app, '/keys/blob', bytes, 'application/octet-stream')).statusCode).toBe(201);
    const raw = await app.inject({ method: 'GET', url: '/keys/blob', headers: { accept: 'application/octet-stream' } });
    expect(raw.headers['content-type']).toBe('application/octet-stream');
    expect(raw.rawPayload.equals(bytes)).toBe(true);
  });

  it('keeps a raw body\'s content type and serves it back for a matching Accept', async () => {
    const { app } = await keysApp();
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]);
    await putRaw(app, '/keys/logo', png, 'image/png');
    const asImage = await app.inject({ method: 'GET', url: '/keys/logo', headers: { accept: 'image/*' } });
    expect(asImage.headers['content-type']).toBe('image/png');
    expect(asImage.rawPayload.equals(png)).toBe(true);
    const asJson = await app.inject({ method: 'GET', url: '/keys/logo', headers: { accept: '*/*' } });
    expect(asJson.json()).toEqual({
      key: 'logo', type: 'string', value: png.toString('base64'), encoding: 'base64', contentType: 'image/png', ttl: null, ttlMs: null,
    });
  });

  it('returns a UTF-8 raw body as a JSON string with its content type', async () => {
    const { app } = await keysApp();
    await putRaw(app, '/keys/note', 'crème brûlée', 'text/plain; charset=utf-8');
    expect((await app.inject({ method: 'GET', url: '/keys/note' })).json()).toMatchObject({ value: 'crème brûlée', contentType: 'text/plain; charset=utf-8' });
    const text = await app.inject({ method: 'GET', url: '/keys/note', headers: { accept: 'text/plain' } });
    expect(text.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(text.body).toBe('crème brûlée');
  });

  it('stores base64 from a JSON envelope as raw bytes', async () => {
    const { app, engine } = await keysApp();
    const bytes = Buffer.from([0, 1, 0xfe, 0xff]);
    await putJson(app, '/keys/b', { value: bytes.toString('base64'), encoding: 'base64' });
    expect(engine.run('GET', 'b')).toBe(bytes.toString('latin1'));
    expect((await app.inject('/keys/b')).json()).toMatchObject({ value: bytes.toString('base64'), encoding: 'base64' });
  });

  it('HEAD answers GET\'s status and headers without a body', async () => {
    const { app } = await keysApp();
    await putJson(app, '/keys/k', { value: { a: 1 } });
    const get = await app.inject({ method: 'GET', url: '/keys/k' });
    const head = await app.inject({ method: 'HEAD', url: '/keys/k' });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers.etag).toBe(get.headers.etag);
    expect(head.headers['content-type']).toBe(get.headers['content-type']);
    expect(head.headers['content-length']).toBe(get.headers['content-length']);
    const missing = await app.inject({ method: 'HEAD', url: '/keys/missing' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(missing.body).toBe('');
  });

  it('DELETE answers 204, then 404 for the same key', async () => {
    const { app } = await keysApp();
    await putJson(app, '/keys/k', { value: 1 });
    const deleted = await app.inject({ method: 'DELETE', url: '/keys/k' });
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    expectProblem(await app.inject({ method: 'DELETE', url: '/keys/k' }), 404, 'not_found');
    expectProblem(await app.inject({ method: 'GET', url: '/keys/k' }), 404, 'not_found');
  });
});

describe('REST and Redis strings share one value mapping', () => {
  it('a JSON string is a plain Redis string; other JSON is its JSON text', async () => {
    const { app, engine } = await keysApp();
    await putJson(app, '/keys/s', { value: 'héllo' });
    await putJson(app, '/keys/o', { value: { a: [1, 'é'] } });
    await putJson(app, '/keys/n', { value: 7 });
    expect(engine.run('GET', 's')).toBe(bytesOf('héllo'));
    expect(engine.run('GET', 'o')).toBe(bytesOf('{"a":[1,"é"]}'));
    expect(engine.run('GET', 'n')).toBe('7');
    expect(engine.run('INCR', 'n')).toBe(8);
    // A Redis write replaces the value and drops the JSON marker: REST now sees the string "8".
    expect((await app.inject('/keys/n')).json()).toMatchObject({ value: '8' });
  });

  it('a value SET over RESP reads back as text, or base64 when not UTF-8', async () => {
    const { app, engine } = await keysApp();
    expect(engine.run('SET', 'text', bytesOf('naïve'))).toBe(OK);
    engine.run('SET', 'bin', Buffer.from([0xc3, 0x28, 0x00]).toString('latin1'));
    expect((await app.inject('/keys/text')).json()).toEqual({ key: 'text', type: 'string', value: 'naïve', ttl: null, ttlMs: null });
    expect((await app.inject('/keys/bin')).json()).toMatchObject({ value: Buffer.from([0xc3, 0x28, 0x00]).toString('base64'), encoding: 'base64' });
    const raw = await app.inject({ method: 'GET', url: '/keys/bin', headers: { accept: 'application/octet-stream' } });
    expect(raw.rawPayload.equals(Buffer.from([0xc3, 0x28, 0x00]))).toBe(true);
  });

  it('addresses UTF-8 keys percent-encoded and binary keys in base64', async () => {
    const { app, engine } = await keysApp();
    await putJson(app, `/keys/${encodeURIComponent('clé/été')}`, { value: 1 });
    expect(engine.run('EXISTS', bytesOf('clé/été'))).toBe(1);
    const binaryKey = Buffer.from([0xff, 0x00, 0x2f]);
    const url = `/keys/${binaryKey.toString('base64url')}?keyEncoding=base64`;
    const put = await putJson(app, url, { value: 'x' });
    expect(put.headers.location).toBe(url);
    expect(engine.run('GET', binaryKey.toString('latin1'))).toBe('x');
    expect((await app.inject(url)).json()).toMatchObject({ key: binaryKey.toString('base64url'), value: 'x' });
    expectProblem(await app.inject('/keys/%FF'), 400, 'invalid_url');
    expectProblem(await app.inject('/keys/not*base64?keyEncoding=base64'), 400, 'invalid_base64');
  });

  it('applies the query defaults to every request without a query string, whatever came before', async () => {
    // The parse of an empty query is computed once per route; a query given in between must not stick.
    const { app } = await keysApp();
    await putJson(app, '/keys/YQ', { value: 'plain key YQ' });
    await putJson(app, '/keys/a', { value: 'base64 key YQ' });
    expect((await app.inject('/keys/YQ')).json()).toMatchObject({ value: 'plain key YQ' });
    expect((await app.inject('/keys/YQ?keyEncoding=base64')).json()).toMatchObject({ value: 'base64 key YQ' });
    expect((await app.inject('/keys/YQ')).json()).toMatchObject({ value: 'plain key YQ' });
    expect((await putJson(app, '/keys/YQ?ttl=5', { value: 'v' })).json()).toMatchObject({ ttl: 5 });
    expect((await putJson(app, '/keys/YQ', { value: 'v' })).json()).toMatchObject({ ttl: null });
  });
});

describe('keys of other types', () => {
  it('GET names the type, DELETE removes the key, PUT replaces it as SET does', async () => {
    const { app, engine } = await keysApp();
    engine.run('HSET', 'h', 'field', 'value');
    const get = await app.inject('/keys/h');
    expect(get.statusCode).toBe(200);
    expect(get.json()).toMatchObject({ key: 'h', type: 'hash' });
    expect((await putJson(app, '/keys/h', { value: 'now a string' })).statusCode).toBe(200);
    expect(engine.run('TYPE', 'h')).toEqual(expect.objectContaining({ value: 'string' }));
    engine.run('HSET', 'h2', 'f', 'v');
    expect((await app.inject({ method: 'DELETE', url: '/keys/h2' })).statusCode).toBe(204);
    expect(engine.run('EXISTS', 'h2')).toBe(0);
  });
});

describe('REST expiry', () => {
  it('reports the TTL and expires on the engine clock', async () => {
    const { app, engine } = await keysApp();
    await putJson(app, '/keys/k', { value: 'v', ttl: 10 });
    expect((await app.inject('/keys/k')).json()).toMatchObject({ ttl: 10, ttlMs: 10_000 });
    expect(engine.run('TTL', 'k')).toBe(10);
    engine.clock.advance(9_400);
    expect((await app.inject('/keys/k')).json()).toMatchObject({ ttl: 1, ttlMs: 600 });
    engine.clock.advance(600);
    expectProblem(await app.inject('/keys/k'), 404, 'not_found');
  });

  it('takes ttlMs in the query string for a raw body, and a write without a TTL clears it', async () => {
    const { app, engine } = await keysApp();
    await putRaw(app, '/keys/k?ttlMs=1500', 'abc', 'text/plain');
    expect(engine.run('PTTL', 'k')).toBe(1500);
    await putRaw(app, '/keys/k', 'abc', 'text/plain');
    expect(engine.run('TTL', 'k')).toBe(-1);
  });

  it('keepTtl keeps the current expiry', async () => {
    const { app, engine } = await keysApp();
    await putJson(app, '/keys/k', { value: 1, ttl: 100 });
    engine.clock.advance(40_000);
    const put = await putJson(app, '/keys/k', { value: 2, keepTtl: true });
    expect(put.json()).toMatchObject({ created: false, ttl: 60, ttlMs: 60_000 });
  });
});
