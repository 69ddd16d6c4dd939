import { describe, expect, it } from 'vitest';
import { expectProblem, keysApp, putJson } from './keys-support.js';

const OOM = "OOM command not allowed when used memory > 'maxmemory'.";

/** An app whose store is over a 1-byte limit with noeviction: every write that adds memory is refused. */
async function fullApp() {
  const { app, engine } = await keysApp();
  await putJson(app, '/keys/kept', { value: 'v' });
  engine.run('CONFIG', 'SET', 'maxmemory', '1');
  return { app, engine };
}

describe('maxmemory over HTTP', () => {
  it('REST PUT answers 507 Insufficient Storage problem+json with the stable code OOM; GET and DELETE still work', async () => {
    const { app } = await fullApp();
    const problem = expectProblem(await putJson(app, '/keys/new', { value: 'v' }), 507, 'OOM');
    expect(problem['detail']).toBe(OOM);
    expect(problem['title']).toBe('Insufficient Storage');
    expect((await app.inject('/keys/kept')).statusCode).toBe(200);
    expect((await app.inject({ method: 'DELETE', url: '/keys/kept' })).statusCode).toBe(204);
  });

  it('/commands answers {"error": "OOM …"} as the Upstash protocol does, and reads still answer', async () => {
    const { app } = await fullApp();
    const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, payload: JSON.stringify(payload), headers: { 'content-type': 'application/json' } });
    const refused = await post('/commands', ['SET', 'new', 'v']);
    expect(refused.json()).toEqual({ error: OOM });
    expect(refused.statusCode).toBe(400);
    expect((await post('/commands', ['GET', 'kept'])).json()).toEqual({ result: 'v' });
    expect((await post('/commands/pipeline', [['GET', 'kept'], ['SET', 'new', 'v']])).json()).toEqual([{ result: 'v' }, { error: OOM }]);
  });

  it('evicts instead of refusing once a policy allows it', async () => {
    const { app, engine } = await fullApp();
    engine.clock.advance(5000);
    // Room for a fraction of a key: the PUT goes over, and the idle `kept` makes way.
    engine.run('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru', 'maxmemory-samples', '64', 'maxmemory', String(engine.store.usedMemoryBytes() + 30));
    expect((await putJson(app, '/keys/knew', { value: 'w' })).statusCode).toBe(201);
    expect((await app.inject('/keys/kept')).statusCode).toBe(404);
    expect(engine.store.stats.evictedKeys).toBe(1);
  });
});
