import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { problemBody } from '../../routes/problem.js';
import { PROBLEM_STATUSES, problemExample, upstashErrorExample, type ProblemStatus } from '../../schemas/responses.js';
import { testAppOptions } from '../support/http-server.js';

const STATUSES = Object.keys(PROBLEM_STATUSES).map(Number) as ProblemStatus[];

/** The examples in the document are only worth showing if they are what clients really receive. */
describe('documented error examples', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildApp(testAppOptions({ auth: { tokens: ['example-token'] }, http: { bodyLimitBytes: 64, requestTimeoutMs: 10_000 } }));
  });
  afterAll(() => app.close());

  const authorized = (options: InjectOptions): InjectOptions => ({ ...options, headers: { ...options.headers, authorization: 'Bearer example-token' } });

  async function answer(options: InjectOptions): Promise<{ status: number; type: string; body: unknown }> {
    const response = await app.inject(options);
    return { status: response.statusCode, type: String(response.headers['content-type']), body: response.json() };
  }

  it('carry the titles the error handler sends for each status', () => {
    for (const status of STATUSES) {
      const { code, detail } = problemExample(status);
      expect(problemExample(status)).toEqual(problemBody(status, code, detail ?? '', '/keys/user%3A42'));
    }
  });

  it.each([
    [401, { url: '/keys/user%3A42' }],
    [404, authorized({ url: '/keys/user%3A42' })],
    [400, authorized({ method: 'PUT', url: '/keys/user%3A42?ttl=0', payload: { value: 1 } })],
    [413, authorized({ method: 'PUT', url: '/keys/user%3A42', payload: { value: 'x'.repeat(100) } })],
  ] as const)('show the problem+json body REST answers with %i', async (status, request) => {
    expect(await answer(request)).toEqual({ status, type: 'application/problem+json; charset=utf-8', body: problemExample(status) });
  });

  it.each([
    [401, { method: 'POST', url: '/commands', payload: ['DBSIZE'] }],
    [400, authorized({ method: 'POST', url: '/commands', payload: ['SET', 'k', 'v', 'NX', 'XX'] })],
    [413, authorized({ method: 'POST', url: '/commands', payload: ['SET', 'k', 'x'.repeat(100)] })],
  ] as const)('show the {"error"} body /commands answers with %i', async (status, request) => {
    expect(await answer(request)).toEqual({ status, type: 'application/json; charset=utf-8', body: { error: upstashErrorExample(status) } });
  });
});
