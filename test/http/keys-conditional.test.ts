import { describe, expect, it } from 'vitest';
import { expectProblem, keysApp, putJson, putRaw } from './keys-support.js';

describe('ETags', () => {
  it('are strong, stable for the same bytes and change with the value', async () => {
    const { app, engine } = await keysApp();
    const first = (await putJson(app, '/keys/k', { value: { a: 1 } })).headers.etag as string;
    expect(first).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect((await app.inject('/keys/k')).headers.etag).toBe(first);
    const again = await putJson(app, '/keys/k', { value: { a: 1 } });
    expect(again.statusCode).toBe(200);
    expect(again.headers.etag).toBe(first);
    expect(again.json()).toMatchObject({ etag: first, created: false });
    engine.run('APPEND', 'k', 'x');
    expect((await app.inject('/keys/k')).headers.etag).not.toBe(first);
  });

  it('tell a JSON value from the same text stored as a plain string', async () => {
    const { app } = await keysApp();
    const asNumber = (await putJson(app, '/keys/a', { value: 1 })).headers.etag;
    const asString = (await putJson(app, '/keys/b', { value: '1' })).headers.etag;
    const asText = (await putRaw(app, '/keys/c', '1', 'text/plain')).headers.etag;
    expect(new Set([asNumber, asString, asText]).size).toBe(3);
  });

  it('If-None-Match on GET answers 304 while the value is unchanged', async () => {
    const { app } = await keysApp();
    const etag = (await putJson(app, '/keys/k', { value: 'v1' })).headers.etag as string;
    const cached = await app.inject({ url: '/keys/k', headers: { 'if-none-match': `"other", ${etag}` } });
    expect(cached.statusCode).toBe(304);
    expect(cached.body).toBe('');
    expect(cached.headers.etag).toBe(etag);
    expect((await app.inject({ url: '/keys/k', headers: { 'if-none-match': `W/${etag}` } })).statusCode).toBe(304);
    await putJson(app, '/keys/k', { value: 'v2' });
    expect((await app.inject({ url: '/keys/k', headers: { 'if-none-match': etag } })).statusCode).toBe(200);
  });
});

describe('conditional writes', () => {
  it('If-Match is compare-and-set: the first writer wins, the second gets 412 and the current ETag', async () => {
    const { app } = await keysApp();
    const original = (await putJson(app, '/keys/counter', { value: 1 })).headers.etag as string;
    const winner = await putJson(app, '/keys/counter', { value: 2 }, { 'if-match': original });
    expect(winner.statusCode).toBe(200);
    const loser = await putJson(app, '/keys/counter', { value: 3 }, { 'if-match': original });
    expectProblem(loser, 412, 'precondition_failed');
    expect(loser.headers.etag).toBe(winner.headers.etag);
    expect((await app.inject('/keys/counter')).json()).toMatchObject({ value: 2 });
  });

  it('If-Match on a missing key fails; a weak tag never matches', async () => {
    const { app } = await keysApp();
    expectProblem(await putJson(app, '/keys/none', { value: 1 }, { 'if-match': '"abc"' }), 412, 'precondition_failed');
    expectProblem(await putJson(app, '/keys/none', { value: 1 }, { 'if-match': '*' }), 412, 'precondition_failed');
    const etag = (await putJson(app, '/keys/k', { value: 1 })).headers.etag as string;
    expectProblem(await putJson(app, '/keys/k', { value: 2 }, { 'if-match': `W/${etag}` }), 412, 'precondition_failed');
    expect((await putJson(app, '/keys/k', { value: 2 }, { 'if-match': '*' })).statusCode).toBe(200);
  });

  it('If-None-Match: * and nx create only; xx replaces only', async () => {
    const { app } = await keysApp();
    const created = await putJson(app, '/keys/k', { value: 1 }, { 'if-none-match': '*' });
    expect(created.statusCode).toBe(201);
    expect(created.headers.location).toBe('/keys/k');
    expectProblem(await putJson(app, '/keys/k', { value: 2 }, { 'if-none-match': '*' }), 412, 'precondition_failed');
    expectProblem(await putJson(app, '/keys/k', { value: 2, nx: true }), 412, 'precondition_failed');
    expectProblem(await putRaw(app, '/keys/k?nx=true', 'x', 'text/plain'), 412, 'precondition_failed');
    expectProblem(await putJson(app, '/keys/other', { value: 2, xx: true }), 412, 'precondition_failed');
    expect((await putJson(app, '/keys/k', { value: 3, xx: true })).statusCode).toBe(200);
    expect((await app.inject('/keys/k')).json()).toMatchObject({ value: 3 });
  });

  it('If-None-Match with an ETag writes only when the value has changed from it', async () => {
    const { app } = await keysApp();
    const etag = (await putJson(app, '/keys/k', { value: 1 })).headers.etag as string;
    expectProblem(await putJson(app, '/keys/k', { value: 2 }, { 'if-none-match': etag }), 412, 'precondition_failed');
    expect((await putJson(app, '/keys/k', { value: 2 }, { 'if-none-match': '"stale"' })).statusCode).toBe(200);
  });

  it('DELETE with If-Match deletes only the expected value', async () => {
    const { app } = await keysApp();
    const etag = (await putJson(app, '/keys/k', { value: 'a' })).headers.etag as string;
    await putJson(app, '/keys/k', { value: 'b' });
    expectProblem(await app.inject({ method: 'DELETE', url: '/keys/k', headers: { 'if-match': etag } }), 412, 'precondition_failed');
    const current = (await app.inject('/keys/k')).headers.etag as string;
    expect((await app.inject({ method: 'DELETE', url: '/keys/k', headers: { 'if-match': current } })).statusCode).toBe(204);
    expectProblem(await app.inject({ method: 'DELETE', url: '/keys/k', headers: { 'if-match': current } }), 412, 'precondition_failed');
  });

  it('refuses contradictory conditions and options', async () => {
    const { app } = await keysApp();
    expectProblem(await putJson(app, '/keys/k', { value: 1, nx: true, xx: true }), 400, 'conflicting_options');
    expectProblem(await putJson(app, '/keys/k', { value: 1, ttl: 1, ttlMs: 1000 }), 400, 'conflicting_options');
    expectProblem(await putJson(app, '/keys/k', { value: 1, ttl: 1, keepTtl: true }), 400, 'conflicting_options');
    expectProblem(await putJson(app, '/keys/k?ttl=5', { value: 1, ttl: 5 }), 400, 'conflicting_options');
    expectProblem(await putJson(app, '/keys/k', { value: 1 }, { 'if-none-match': '*', 'if-match': '*' }), 400, 'conflicting_options');
    expectProblem(await putJson(app, '/keys/k', { value: 1 }, { 'if-match': ' , ' }), 400, 'invalid_precondition');
  });

  it('refuses entity tags without quotes instead of passing them to the engine', async () => {
    const { app } = await keysApp();
    const list = { type: 'list', value: ['a'] };
    expectProblem(await putJson(app, '/keys/l', list, { 'if-match': 'ITEMS' }), 400, 'invalid_precondition');
    expectProblem(await putJson(app, '/keys/l', list, { 'if-none-match': 'NX' }), 400, 'invalid_precondition');
    expectProblem(await putJson(app, '/keys/k', { value: 1 }, { 'if-match': '"ok", bare' }), 400, 'invalid_precondition');
    // On reads a malformed If-None-Match simply matches nothing.
    await putJson(app, '/keys/k', { value: 1 });
    expect((await app.inject({ url: '/keys/k', headers: { 'if-none-match': 'bare' } })).statusCode).toBe(200);
  });
});
