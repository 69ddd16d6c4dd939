import { describe, expect, it } from 'vitest';
import { expectProblem, keysApp, putJson, putRaw } from './keys-support.js';

describe('REST key errors are problem+json with a stable code', () => {
  it('400 for an invalid envelope, naming the field', async () => {
    const { app } = await keysApp();
    expect(expectProblem(await putJson(app, '/keys/k', { ttl: 5 }), 400, 'invalid_envelope').detail).toMatch(/value/);
    expect(expectProblem(await putJson(app, '/keys/k', { value: 1, ttl: -5 }), 400, 'invalid_envelope').detail).toMatch(/ttl/);
    expect(expectProblem(await putJson(app, '/keys/k', { value: 1, ttl: 1.5 }), 400, 'invalid_envelope').detail).toMatch(/ttl/);
    expect(expectProblem(await putJson(app, '/keys/k', { value: 1, tll: 5 }), 400, 'invalid_envelope').detail).toMatch(/tll/);
    expectProblem(await putJson(app, '/keys/k', { value: 1, encoding: 'base64' }), 400, 'invalid_request');
    expectProblem(await putJson(app, '/keys/k', { value: '%%%', encoding: 'base64' }), 400, 'invalid_base64');
    expectProblem(await putJson(app, '/keys/k', ['not', 'an', 'envelope']), 400, 'invalid_envelope');
  });

  it('400 for malformed JSON, a bad query option, or no body at all', async () => {
    const { app } = await keysApp();
    expectProblem(await putRaw(app, '/keys/k', '{"value":', 'application/json'), 400, 'fst_err_ctp_invalid_json_body');
    expectProblem(await putRaw(app, '/keys/k?ttl=soon', 'x', 'text/plain'), 400, 'invalid_request');
    expectProblem(await putRaw(app, '/keys/k?nx=yes', 'x', 'text/plain'), 400, 'invalid_request');
    expectProblem(await app.inject({ method: 'PUT', url: '/keys/k' }), 400, 'missing_body');
    expectProblem(await app.inject('/keys?cursor=abc'), 400, 'invalid_request');
    expectProblem(await app.inject('/keys?count=0'), 400, 'invalid_request');
  });

  it('401 without the bearer token when tokens are configured', async () => {
    const { app } = await keysApp({ auth: { tokens: ['s3cret'] } });
    const denied = await app.inject('/keys/k');
    expectProblem(denied, 401, 'unauthorized');
    expect(denied.headers['www-authenticate']).toMatch(/^Bearer/);
    expectProblem(await putJson(app, '/keys/k', { value: 1 }, { authorization: 'Bearer wrong' }), 401, 'unauthorized');
    expect((await putJson(app, '/keys/k', { value: 1 }, { authorization: 'Bearer s3cret' })).statusCode).toBe(201);
  });

  it('404 for a missing or expired key', async () => {
    const { app, engine } = await keysApp();
    const problem = expectProblem(await app.inject('/keys/nope'), 404, 'not_found');
    expect(problem.instance).toBe('/keys/nope');
    engine.run('SET', 'k', 'v', 'PX', 5);
    engine.clock.advance(5);
    expectProblem(await app.inject('/keys/k'), 404, 'not_found');
  });

  it('413 for a body over http.bodyLimitBytes and for a value over limits.maxValueBytes', async () => {
    const { app, engine } = await keysApp({ http: { bodyLimitBytes: 1024, requestTimeoutMs: 10_000 }, engineLimits: { maxValueBytes: 100 } });
    expectProblem(await putRaw(app, '/keys/k', Buffer.alloc(2048), 'application/octet-stream'), 413, 'payload_too_large');
    expectProblem(await putRaw(app, '/keys/k', Buffer.alloc(101), 'application/octet-stream'), 413, 'value_too_large');
    expectProblem(await putJson(app, '/keys/k', { value: 'x'.repeat(101) }), 413, 'value_too_large');
    expect(engine.run('EXISTS', 'k')).toBe(0);
    expect((await putRaw(app, '/keys/k', Buffer.alloc(100), 'application/octet-stream')).statusCode).toBe(201);
  });

  it('414 for a key over limits.maxKeyBytes or a path segment over the router limit', async () => {
    const { app } = await keysApp({ engineLimits: { maxKeyBytes: 8 } });
    expectProblem(await app.inject('/keys/123456789'), 414, 'key_too_large');
    expectProblem(await putJson(app, '/keys/123456789', { value: 1 }), 414, 'key_too_large');
    expectProblem(await app.inject({ method: 'DELETE', url: '/keys/123456789' }), 414, 'key_too_large');
    // 'é' is two bytes: the limit counts bytes, not characters.
    expectProblem(await app.inject(`/keys/${encodeURIComponent('éééé1')}`), 414, 'key_too_large');
    expectProblem(await app.inject(`/keys/${'x'.repeat(9000)}`), 414, 'uri_too_long');
  });
});
