import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterEach, expect } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { Limits } from '../../src/commands/types.js';
import { DEFAULT_LIMITS } from '../../src/engine.js';
import { testEngine, type TestEngine } from '../support/engine.js';
import { testAppOptions, type TestAppOptions } from '../support/http-server.js';

export interface KeysApp {
  app: FastifyInstance;
  engine: TestEngine;
}

const open: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((app) => app.close()));
});

/** The real app over a manual-clock engine; closed after each test. */
export async function keysApp(options: { engineLimits?: Partial<Limits> } & Partial<TestAppOptions> = {}): Promise<KeysApp> {
  const { engineLimits, ...overrides } = options;
  const engine = testEngine({ limits: { ...DEFAULT_LIMITS, ...engineLimits } });
  const app = await buildApp(testAppOptions({ engine, ...overrides }));
  open.push(app);
  return { app, engine };
}

/** Asserts an RFC 9457 problem with Larder's code, and returns it. */
export function expectProblem(response: LightMyRequestResponse, status: number, code: string): Record<string, unknown> {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = response.json<Record<string, unknown>>();
  expect(problem).toMatchObject({ status, code, type: 'about:blank' });
  expect(typeof problem.title).toBe('string');
  return problem;
}

/** `PUT /keys/:key` with a JSON envelope. */
export function putJson(app: FastifyInstance, path: string, envelope: unknown, headers: Record<string, string> = {}) {
  return app.inject({ method: 'PUT', url: path, payload: JSON.stringify(envelope), headers: { 'content-type': 'application/json', ...headers } });
}

/** `PUT /keys/:key` with a raw body of the given content type. */
export function putRaw(app: FastifyInstance, path: string, body: Buffer | string, contentType: string, headers: Record<string, string> = {}) {
  return app.inject({ method: 'PUT', url: path, payload: body, headers: { 'content-type': contentType, ...headers } });
}
