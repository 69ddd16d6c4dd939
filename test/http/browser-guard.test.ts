import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { testAppOptions, type TestAppOptions } from '../support/http-server.js';

async function app(overrides: Partial<TestAppOptions> = {}) {
  const options = testAppOptions(overrides);
  return { app: await buildApp(options), engine: options.engine };
}

const FLUSHALL_FROM = (origin: string, host = 'localhost:8080') => ({
  method: 'POST' as const,
  url: '/commands',
  headers: { origin, host, 'content-type': 'text/plain' },
  payload: '["FLUSHALL"]',
});

describe('browser guard (cross-site requests and DNS rebinding)', () => {
  it('refuses a cross-site text/plain POST to /commands and runs nothing', async () => {
    const { app: server, engine } = await app();
    engine.run('SET', 'precious', 'v');
    const response = await server.inject(FLUSHALL_FROM('https://evil.example'));
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({ error: "Requests from origin 'https://evil.example' are not allowed; list it in cors.origins" });
    expect(engine.run('EXISTS', 'precious')).toBe(1);
  });

  it('serves the same request from its own origin (Swagger UI) and from configured CORS origins', async () => {
    const { app: server } = await app({ cors: { origins: ['https://app.example'] } });
    expect((await server.inject(FLUSHALL_FROM('http://localhost:8080'))).statusCode).toBe(200);
    expect((await server.inject(FLUSHALL_FROM('https://app.example'))).statusCode).toBe(200);
  });

  it('leaves clients that send no Origin (curl, SDKs, servers) alone', async () => {
    const { app: server } = await app();
    const response = await server.inject({ method: 'POST', url: '/commands', headers: { 'content-type': 'text/plain' }, payload: '["PING"]' });
    expect(response.json()).toEqual({ result: 'PONG' });
  });

  it('without tokens, refuses Host names that are not loopback (DNS rebinding), as problem+json', async () => {
    const { app: server } = await app({ security: { requireLoopbackHost: true } });
    const rebound = await server.inject({ url: '/keys/x', headers: { host: 'evil.example:8080' } });
    expect(rebound.statusCode).toBe(403);
    expect(rebound.headers['content-type']).toContain('application/problem+json');
    expect(rebound.json()).toMatchObject({ code: 'host_not_allowed' });
    for (const host of ['localhost:8080', '127.0.0.1:8080', '[::1]:8080', 'localhost']) {
      expect((await server.inject({ url: '/health/live', headers: { host } })).statusCode).toBe(200);
    }
  });

  it('judges every Host anew after one was accepted (the last accepted one is remembered)', async () => {
    const { app: server } = await app({ security: { requireLoopbackHost: true } });
    for (const [host, status] of [['127.0.0.1:8080', 200], ['evil.example:8080', 403], ['127.0.0.1:8080', 200], ['evil.example:8080', 403]] as const) {
      expect((await server.inject({ url: '/health/live', headers: { host } })).statusCode).toBe(status);
    }
  });
});
