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

function post(target: FastifyInstance, url: string, body: unknown, headers: Record<string, string> = {}) {
  return target.inject({ method: 'POST', url, payload: body as object, headers });
}

describe('POST /commands/pipeline', () => {
  it('answers one entry per command, in order, and a failing command does not stop the rest', async () => {
    const { app } = await start();
    const response = await post(app, '/commands/pipeline', [
      ['SET', 'word', 'abc'],
      ['INCR', 'word'],
      ['APPEND', 'word', 'def'],
      ['GET', 'word'],
      ['GET', 'missing'],
    ]);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual([
      { result: 'OK' },
      { error: 'ERR value is not an integer or out of range' },
      { result: 6 },
      { result: 'abcdef' },
      { result: null },
    ]);
    expect(response.body).toContain('{"result":null}');
  });

  it('reports refused and unknown commands in their own entry', async () => {
    const { app } = await start();
    const entries = (await post(app, '/commands/pipeline', [['SUBSCRIBE', 'news'], ['NOPE'], ['PING']])).json<Array<Record<string, unknown>>>();
    expect(entries[0]?.error).toMatch(/^ERR 'SUBSCRIBE' is not available over HTTP/);
    expect(entries[1]).toEqual({ error: "ERR unknown command 'NOPE', with args beginning with: " });
    expect(entries[2]).toEqual({ result: 'PONG' });
  });

  it('applies Upstash-Encoding to every entry', async () => {
    const { app } = await start();
    const response = await post(app, '/commands/pipeline', [['SET', 'k', 'v'], ['GET', 'k'], ['STRLEN', 'k']], { 'upstash-encoding': 'base64' });
    expect(response.json()).toEqual([{ result: 'OK' }, { result: 'dg==' }, { result: 1 }]);
  });

  it('refuses more commands than limits.maxPipelineCommands with 400 {"error"}', async () => {
    const { app, options } = await start({ limits: { maxPipelineCommands: 3 } });
    const response = await post(app, '/commands/pipeline', [['INCR', 'n'], ['INCR', 'n'], ['INCR', 'n'], ['INCR', 'n']]);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error: 'ERR 4 commands in one request exceed the limit of 3 (limits.maxPipelineCommands)',
    });
    expect(options.engine.run('GET', 'n')).toBeNull();
    expect((await post(app, '/commands/pipeline', [['INCR', 'n'], ['INCR', 'n'], ['INCR', 'n']])).statusCode).toBe(200);
  });

  it('refuses an empty pipeline and an empty command with 400 {"error"}', async () => {
    const { app } = await start();
    for (const body of [[], [['PING'], []]]) {
      const response = await post(app, '/commands/pipeline', body);
      expect(response.statusCode).toBe(400);
      expect(Object.keys(response.json<object>())).toEqual(['error']);
    }
  });
});

describe('POST /commands/multi-exec', () => {
  it('runs every command and answers one entry each', async () => {
    const { app } = await start();
    const response = await post(app, '/commands/multi-exec', [['SET', 'b', 'x'], ['APPEND', 'b', 'y'], ['GET', 'b']]);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual([{ result: 'OK' }, { result: 2 }, { result: 'xy' }]);
  });

  it('keeps running after an error raised while running, with no rollback, as Redis does', async () => {
    const { app, options } = await start();
    const response = await post(app, '/commands/multi-exec', [['SET', 'a', 'text'], ['INCR', 'a'], ['SET', 'c', '3']]);
    expect(response.json()).toEqual([{ result: 'OK' }, { error: 'ERR value is not an integer or out of range' }, { result: 'OK' }]);
    expect(options.engine.run('GET', 'c')).toBe('3');
  });

  it.each([
    ['an unknown command', ['GETT', 'k'], "ERR unknown command 'GETT', with args beginning with: 'k' "],
    ['a wrong number of arguments', ['GET'], "ERR wrong number of arguments for 'get' command"],
    ['a command not allowed in a transaction', ['SAVE'], 'ERR Command not allowed inside a transaction'],
    ['a command HTTP cannot serve', ['WATCH', 'k'], "ERR 'WATCH' is not available over HTTP: send the whole transaction to POST /commands/multi-exec"],
  ])('discards the whole transaction for %s: 400 EXECABORT and nothing runs', async (_case, bad, cause) => {
    const { app, options } = await start();
    const response = await post(app, '/commands/multi-exec', [['SET', 'k', 'v'], bad, ['INCR', 'n']]);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: `EXECABORT Transaction discarded because of previous errors. Command 2: ${cause}` });
    expect(options.engine.run('GET', 'k')).toBeNull();
    expect(options.engine.run('GET', 'n')).toBeNull();
  });

  it('refuses more commands than limits.maxPipelineCommands before running any', async () => {
    const { app, options } = await start({ limits: { maxPipelineCommands: 2 } });
    const response = await post(app, '/commands/multi-exec', [['INCR', 'n'], ['INCR', 'n'], ['INCR', 'n']]);
    expect(response.statusCode).toBe(400);
    expect(options.engine.run('GET', 'n')).toBeNull();
  });
});
