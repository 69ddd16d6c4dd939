import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { closeHttp } from '../../src/server.js';
import { buildApp, type AppOptions } from '../../src/app.js';
import { testEngine, type TestEngine } from './engine.js';

export interface TestAppOptions extends AppOptions {
  engine: TestEngine;
}

/** App options for tests: a manual-clock engine, no tokens, no CORS, quiet logs; override any part. */
export function testAppOptions(overrides: Partial<TestAppOptions> = {}): TestAppOptions {
  return {
    engine: testEngine(),
    limits: { maxPipelineCommands: 1000 },
    readiness: () => ({ ready: true, detail: 'test' }),
    logger: false,
    http: { bodyLimitBytes: 1024 * 1024, requestTimeoutMs: 10_000 },
    auth: { tokens: [] },
    cors: { origins: [] },
    ...overrides,
  };
}

export interface RunningHttpServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  app: FastifyInstance;
  engine: TestEngine;
  close(): Promise<void>;
}

/**
 * The app on a real loopback socket (port chosen by the OS), for clients that cannot use `inject`:
 * browsers, `fetch()`, `@upstash/redis`. Always `close()` it in `afterAll`.
 */
export async function startHttpServer(overrides: Partial<TestAppOptions> = {}): Promise<RunningHttpServer> {
  const options = testAppOptions(overrides);
  const app = await buildApp(options);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, app, engine: options.engine, close: () => closeHttp(app, 1000) };
}
