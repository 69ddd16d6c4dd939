import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { keysApp, putJson } from './keys-support.js';

interface Page {
  keys: string[];
  cursor: string;
  encoding?: 'base64';
}

async function page(app: FastifyInstance, query: string): Promise<Page> {
  const response = await app.inject(`/keys?${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Page>();
}

describe('GET /keys', () => {
  it('walks the keyspace with a cursor: every key present throughout comes back exactly once', async () => {
    const { app, engine } = await keysApp();
    for (let i = 0; i < 100; i++) engine.run('SET', `stable:${i}`, 'v');
    for (let i = 0; i < 50; i++) engine.run('SET', `doomed:${i}`, 'v');
    const seen: string[] = [];
    let cursor = '0';
    let pages = 0;
    do {
      const next = await page(app, `cursor=${cursor}&count=10`);
      seen.push(...next.keys);
      cursor = next.cursor;
      pages++;
      // Change the keyspace between pages: delete some, add some.
      engine.run('DEL', `doomed:${pages}`, `doomed:${pages + 25}`);
      engine.run('SET', `added:${pages}`, 'v');
    } while (cursor !== '0' && pages < 100);
    expect(cursor).toBe('0');
    const stable = seen.filter((key) => key.startsWith('stable:'));
    expect(new Set(stable).size).toBe(100);
    expect(stable).toHaveLength(100);
  });

  it('filters by MATCH pattern and TYPE, with UTF-8 patterns', async () => {
    const { app, engine } = await keysApp();
    engine.run('SET', 'user:1', 'a');
    engine.run('SET', 'user:2', 'b');
    engine.run('SET', 'order:1', 'c');
    await putJson(app, `/keys/${encodeURIComponent('café:1')}`, { value: 1 });
    expect((await page(app, 'match=user:*&count=1000')).keys.sort()).toEqual(['user:1', 'user:2']);
    expect((await page(app, `match=${encodeURIComponent('café:*')}&count=1000`)).keys).toEqual(['café:1']);
    expect((await page(app, 'type=string&count=1000')).keys).toHaveLength(4);
    expect((await page(app, 'type=hash&count=1000')).keys).toEqual([]);
  });

  it('turns a page with a non-UTF-8 key into base64, and gives base64 on request', async () => {
    const { app, engine } = await keysApp();
    const binary = Buffer.from([0xff, 0xfe, 0x00]);
    engine.run('SET', binary.toString('latin1'), 'v');
    engine.run('SET', 'plain', 'v');
    const mixed = await page(app, 'count=1000');
    expect(mixed.encoding).toBe('base64');
    expect(mixed.keys.sort()).toEqual([binary.toString('base64'), Buffer.from('plain').toString('base64')].sort());
    engine.run('DEL', binary.toString('latin1'));
    expect(await page(app, 'count=1000')).toEqual({ keys: ['plain'], cursor: '0' });
    expect(await page(app, 'count=1000&keyEncoding=base64')).toEqual({ keys: ['cGxhaW4='], cursor: '0', encoding: 'base64' });
  });

  it('skips expired keys', async () => {
    const { app, engine } = await keysApp();
    engine.run('SET', 'short', 'v', 'PX', 10);
    engine.run('SET', 'long', 'v');
    engine.clock.advance(10);
    expect(await page(app, '')).toEqual({ keys: ['long'], cursor: '0' });
  });
});
