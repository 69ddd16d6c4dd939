import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { testAppOptions, type TestAppOptions } from '../support/http-server.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(overrides: Partial<TestAppOptions> = {}): Promise<{ app: FastifyInstance; options: TestAppOptions }> {
  const options = testAppOptions(overrides);
  app = await buildApp(options);
  return { app, options };
}

function command(target: FastifyInstance, body: unknown, headers: Record<string, string> = {}) {
  return target.inject({ method: 'POST', url: '/commands', payload: body as object, headers });
}

describe('POST /commands: reply shapes', () => {
  it('answers {"result": …} with the reply: simple and bulk strings as strings, integers as numbers', async () => {
    const { app } = await start();
    const set = await command(app, ['SET', 'greeting', 'hello', 'EX', 100]);
    expect(set.statusCode).toBe(200);
    expect(set.headers['content-type']).toMatch(/^application\/json/);
    expect(set.body).toBe('{"result":"OK"}');
    expect((await command(app, ['GET', 'greeting'])).body).toBe('{"result":"hello"}');
    expect((await command(app, ['TTL', 'greeting'])).body).toBe('{"result":100}');
    expect((await command(app, ['INCR', 'visits'])).body).toBe('{"result":1}');
  });

  it('keeps the result key when the reply is nil', async () => {
    const { app } = await start();
    const response = await command(app, ['GET', 'missing']);
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('{"result":null}');
  });

  it('renders arrays with nil members', async () => {
    const { app } = await start();
    await command(app, ['MSET', 'a', '1', 'b', '2']);
    expect((await command(app, ['MGET', 'a', 'missing', 'b'])).json()).toEqual({ result: ['1', null, '2'] });
  });

  it('writes integers beyond 2^53 with every digit', async () => {
    const { app } = await start();
    await command(app, ['SET', 'big', '9223372036854775806']);
    expect((await command(app, ['INCR', 'big'])).body).toBe('{"result":9223372036854775807}');
  });

  it('uses database 0', async () => {
    const { app, options } = await start();
    await command(app, ['SET', 'where', 'here']);
    expect(options.engine.store.db(0).size).toBe(1);
    expect(options.engine.store.db(1).size).toBe(0);
  });
});

describe('POST /commands: errors', () => {
  it('answers 400 {"error"} with Redis\'s exact text when the command fails', async () => {
    const { app } = await start();
    await command(app, ['SET', 'word', 'abc']);
    const response = await command(app, ['INCR', 'word']);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'ERR value is not an integer or out of range' });
  });

  it('reports unknown commands and wrong arity as Redis does', async () => {
    const { app } = await start();
    expect((await command(app, ['NOPE', 'x'])).json()).toEqual({
      error: "ERR unknown command 'NOPE', with args beginning with: 'x' ",
    });
    expect((await command(app, ['GET'])).json()).toEqual({ error: "ERR wrong number of arguments for 'get' command" });
  });

  it.each([
    ['SUBSCRIBE', ['SUBSCRIBE', 'news'], 'use the RESP port'],
    ['BLPOP', ['BLPOP', 'queue', 1], 'use the RESP port'],
    ['SELECT', ['SELECT', 1], 'every HTTP request is a new one'],
    ['MULTI', ['multi'], 'POST /commands/multi-exec'],
  ])('refuses %s, which cannot work over request/response HTTP', async (name, body, reason) => {
    const { app } = await start();
    const response = await command(app, body);
    expect(response.statusCode).toBe(400);
    const { error } = response.json<{ error: string }>();
    expect(error.startsWith(`ERR '${name}' is not available over HTTP: `)).toBe(true);
    expect(error).toContain(reason);
  });

  it.each([
    ['an object argument', ['SET', 'k', { nested: true }]],
    ['a nested array', ['SET', 'k', ['v']]],
    ['a null argument', ['SET', 'k', null]],
    ['an empty command', []],
    ['a body that is not an array', { command: 'PING' }],
  ])('answers 400 {"error"} for %s', async (_case, body) => {
    const { app } = await start();
    const response = await command(app, body);
    expect(response.statusCode).toBe(400);
    expect(Object.keys(response.json<object>())).toEqual(['error']);
  });

  it('answers 400 {"error"} for a body that is not JSON', async () => {
    const { app } = await start();
    const response = await app.inject({ method: 'POST', url: '/commands', payload: '["PING"', headers: { 'content-type': 'application/json' } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toHaveProperty('error');
  });

  it('answers 413 {"error"} when the body exceeds the configured limit', async () => {
    const { app } = await start({ http: { bodyLimitBytes: 64, requestTimeoutMs: 10_000 } });
    const response = await command(app, ['SET', 'k', 'x'.repeat(100)]);
    expect(response.statusCode).toBe(413);
    expect(Object.keys(response.json<object>())).toEqual(['error']);
  });
});

describe('POST /commands: arguments', () => {
  it('stores JSON strings as their UTF-8 bytes and reads them back as text', async () => {
    const { app, options } = await start();
    await command(app, ['SET', 'ключ', 'héllo ☃']);
    expect((await command(app, ['STRLEN', 'ключ'])).json()).toEqual({ result: 10 });
    expect((await command(app, ['GET', 'ключ'])).json()).toEqual({ result: 'héllo ☃' });
    const key = Buffer.from('ключ', 'utf8').toString('latin1');
    expect(options.engine.run('GET', key)).toBe(Buffer.from('héllo ☃', 'utf8').toString('latin1'));
  });

  it('writes numbers as JavaScript prints them and booleans as true / false', async () => {
    const { app } = await start();
    await command(app, ['MSET', 'int', 100, 'float', 1.5, 'yes', true, 'no', false]);
    expect((await command(app, ['MGET', 'int', 'float', 'yes', 'no'])).json()).toEqual({ result: ['100', '1.5', 'true', 'false'] });
  });

  it('accepts a JSON body sent without a JSON content type, as curl -d does', async () => {
    const { app } = await start();
    const response = await app.inject({
      method: 'POST',
      url: '/commands',
      payload: '["ECHO","hi"]',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.json()).toEqual({ result: 'hi' });
  });

  it('answers 400 {"error"} when such a body is not JSON either', async () => {
    const { app } = await start();
    const response = await app.inject({ method: 'POST', url: '/commands', payload: 'cmd=PING', headers: { 'content-type': 'text/plain' } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'ERR the request body is not valid JSON' });
  });
});

describe('POST /commands: Upstash-Encoding', () => {
  const BINARY = Buffer.from([0x00, 0xff, 0x80, 0xc3, 0x28, 0x0a]);

  it('sends every string as base64 of its bytes, except a plain OK', async () => {
    const { app } = await start();
    const base64 = { 'upstash-encoding': 'base64' };
    expect((await command(app, ['SET', 'a', 'héllo'], base64)).body).toBe('{"result":"OK"}');
    expect((await command(app, ['GET', 'a'], base64)).json()).toEqual({ result: Buffer.from('héllo').toString('base64') });
    expect((await command(app, ['PING'], base64)).json()).toEqual({ result: Buffer.from('PONG').toString('base64') });
  });

  it('encodes strings at any depth and leaves numbers and null alone', async () => {
    const { app } = await start();
    await command(app, ['SET', 'a', 'x']);
    const response = await command(app, ['SCAN', 0], { 'upstash-encoding': 'BASE64' });
    expect(response.json()).toEqual({ result: ['MA==', ['YQ==']] });
    expect((await command(app, ['MGET', 'a', 'missing'], { 'upstash-encoding': 'base64' })).json()).toEqual({ result: ['eA==', null] });
    expect((await command(app, ['STRLEN', 'a'], { 'upstash-encoding': 'base64' })).json()).toEqual({ result: 1 });
  });

  it('round-trips bytes that are not UTF-8 only in base64; UTF-8 mode substitutes U+FFFD', async () => {
    const { app, options } = await start();
    options.engine.run('SET', 'bin', BINARY.toString('latin1'));
    const base64 = await command(app, ['GET', 'bin'], { 'upstash-encoding': 'base64' });
    expect(Buffer.from(base64.json<{ result: string }>().result, 'base64')).toEqual(BINARY);
    const text = await command(app, ['GET', 'bin']);
    expect(text.json()).toEqual({ result: BINARY.toString('utf8') });
    expect(text.json<{ result: string }>().result).toContain('\ufffd');
  });
});

describe('/commands: auth and CORS', () => {
  it('answers 401 {"error": "Unauthorized"} without a valid bearer token', async () => {
    const { app } = await start({ auth: { tokens: ['s3cret'] } });
    for (const authorization of [undefined, 'Bearer wrong', 's3cret']) {
      const response = await command(app, ['PING'], authorization === undefined ? {} : { authorization });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ error: 'Unauthorized' });
    }
    expect((await command(app, ['PING'], { authorization: 'Bearer s3cret' })).json()).toEqual({ result: 'PONG' });
  });

  it('lets a browser preflight every header @upstash/redis sends', async () => {
    const { app } = await start({ cors: { origins: ['https://app.example'] } });
    const requested = 'authorization,content-type,upstash-encoding,upstash-sync-token,upstash-telemetry-runtime,upstash-telemetry-platform,upstash-telemetry-sdk';
    const response = await app.inject({
      method: 'OPTIONS',
      url: '/commands/pipeline',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': requested },
    });
    expect(response.statusCode).toBe(204);
    const allowed = String(response.headers['access-control-allow-headers']).split(/,\s*/);
    for (const header of requested.split(',')) expect(allowed).toContain(header);
  });

  it('answers unknown /commands paths with 404 {"error"}', async () => {
    const { app } = await start();
    const response = await app.inject({ method: 'GET', url: '/commands/get/greeting' });
    expect(response.statusCode).toBe(404);
    expect(Object.keys(response.json<object>())).toEqual(['error']);
  });
});
