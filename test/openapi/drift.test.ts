import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { documentAppOptions, generateDocument, OPENAPI_FILE, renderDocument } from '../../openapi/generate.js';
import { testEngine } from '../support/engine.js';

async function servedDocument(options = documentAppOptions()): Promise<string> {
  const app = await buildApp(options);
  try {
    const response = await app.inject({ url: '/openapi.json', headers: { authorization: 'Bearer test-token' } });
    expect(response.statusCode).toBe(200);
    return renderDocument(response.json());
  } finally {
    await app.close();
  }
}

describe('openapi/openapi.json', () => {
  it('is exactly what the app serves at /openapi.json', async () => {
    const committed = await readFile(OPENAPI_FILE, 'utf8');
    expect(committed, 'openapi/openapi.json is out of date: run `npm run openapi` and commit the result').toBe(await servedDocument());
  });

  it('is what `npm run openapi` generates', async () => {
    expect(await generateDocument()).toBe(await servedDocument());
  });

  it('does not depend on tokens, CORS origins, limits or the engine state of the serving process', async () => {
    const engine = testEngine({ limits: { maxKeyBytes: 16, maxValueBytes: 64 } });
    engine.run('SET', 'some-key', 'some-value');
    const deployment = {
      ...documentAppOptions(),
      engine,
      limits: { maxPipelineCommands: 7 },
      http: { bodyLimitBytes: 4096, requestTimeoutMs: 1000 },
      auth: { tokens: ['test-token'] },
      cors: { origins: ['https://app.example'] },
    };
    expect(await servedDocument(deployment)).toBe(await servedDocument());
  });
});
