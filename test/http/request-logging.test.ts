import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { createLogger } from '../../src/logger.js';
import { testAppOptions } from '../support/http-server.js';

async function appLoggingAt(level: 'info' | 'warn', tokens: string[] = []) {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ level, pretty: false, destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  const app = await buildApp({ ...testAppOptions(), auth: { tokens }, logger });
  app.get('/boom', { config: { public: true } }, () => {
    throw new Error('kaboom');
  });
  return { app, lines };
}

describe('request logging', () => {
  it('at warn logs no request lines, yet a failed request still names its reqId', async () => {
    const { app, lines } = await appLoggingAt('warn');
    expect((await app.inject({ url: '/health/live' })).statusCode).toBe(200);
    const failed = await app.inject({ url: '/boom' });
    expect(failed.statusCode).toBe(500);
    expect(lines.map((line) => line['msg'])).toEqual(['request failed']);
    expect(lines[0]!['reqId']).toEqual(expect.any(String));
    await app.close();
  });

  it('at info logs each request with its reqId', async () => {
    const { app, lines } = await appLoggingAt('info');
    await app.inject({ url: '/health/live' });
    const messages = lines.filter((line) => line['reqId'] !== undefined).map((line) => line['msg']);
    expect(messages).toEqual(['incoming request', 'request completed']);
    await app.close();
  });

  it('redacts every ?_token= of an event-stream URL from the request log', async () => {
    const { app, lines } = await appLoggingAt('info', ['right-token']);
    const response = await app.inject({ url: '/commands/subscribe/news?_token=first-secret&_token=second-secret' });
    expect(response.statusCode).toBe(401);
    const logged = JSON.stringify(lines);
    expect(logged).toContain('_token=[redacted]&_token=[redacted]');
    expect(logged).not.toMatch(/first-secret|second-secret/);
    await app.close();
  });
});
