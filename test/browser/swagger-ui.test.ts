import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer, type RunningHttpServer } from '../support/http-server.js';
import { authorize, launchChromium, listedOperations, openDocs, operationBlock, tryItOut, type Browser } from './swagger-page.js';

// One browser for the file: launching Chromium is the slow part on a shared 2-core machine.
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

/** A server of its own and a page on its /docs for one describe block. */
function docsPage(options: Parameters<typeof startHttpServer>[0] = {}): { server: () => RunningHttpServer; page: () => Page } {
  let server: RunningHttpServer | undefined;
  let page: Page | undefined;
  beforeAll(async () => {
    server = await startHttpServer(options);
    page = await browser.context.newPage();
    await openDocs(page, server.url);
  });
  afterAll(async () => {
    await page?.close();
    await server?.close();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the docs page is not open (beforeAll failed)');
    return value;
  };
  return { server: () => ready(server), page: () => ready(page) };
}

async function documentedOperations(baseUrl: string): Promise<string[]> {
  const document = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
}

// A real browser on a shared 2-core machine, possibly beside the rest of the suite: generous budgets.
const BROWSER_TEST = { timeout: 60_000 };

describe('Swagger UI at /docs, in headless Chromium', BROWSER_TEST, () => {
  const docs = docsPage();
  it('lists every operation of the OpenAPI document', async () => {
    const listed = await listedOperations(docs.page());
    expect(listed.sort()).toEqual((await documentedOperations(docs.server().url)).sort());
  });

  it('runs GET /health/live from "Try it out"', async () => {
    const shown = await tryItOut(operationBlock(docs.page(), 'GET', '/health/live'));
    expect(shown.status).toBe(200);
    expect(JSON.parse(shown.body)).toEqual({ status: 'ok', detail: 'alive' });
  });

  it('runs POST /commands from "Try it out" and the command reaches the engine', async () => {
    const shown = await tryItOut(operationBlock(docs.page(), 'POST', '/commands'), { body: '["SET", "from-swagger", "héllo"]' });
    expect(shown.status).toBe(200);
    expect(JSON.parse(shown.body)).toEqual({ result: 'OK' });
    expect(docs.server().engine.run('GET', 'from-swagger')).toBe(Buffer.from('héllo', 'utf8').toString('latin1'));
  });

  it('shows a failing command as the Upstash {"error"} body with its status', async () => {
    const shown = await tryItOut(operationBlock(docs.page(), 'POST', '/commands'), { body: '["INCR", "from-swagger"]' });
    expect(shown.status).toBe(400);
    expect(JSON.parse(shown.body)).toEqual({ error: 'ERR value is not an integer or out of range' });
  });

  it('writes a JSON value with PUT /keys/{key} and reads it back with GET /keys/{key}', async () => {
    const key = { key: 'swagger:menu' };
    const written = await tryItOut(operationBlock(docs.page(), 'PUT', '/keys/{key}'), {
      parameters: key,
      body: '{"value": {"soup": ["leek", 2]}, "ttl": 60}',
    });
    expect(written.status).toBe(201);
    expect(JSON.parse(written.body)).toMatchObject({ key: 'swagger:menu', created: true, ttl: 60 });

    const read = await tryItOut(operationBlock(docs.page(), 'GET', '/keys/{key}'), { parameters: key });
    expect(read.status).toBe(200);
    // The test engine's clock stands still, so the TTL is exactly what was written.
    expect(JSON.parse(read.body)).toMatchObject({ key: 'swagger:menu', value: { soup: ['leek', 2] }, ttl: 60 });
  });

  it('deletes with DELETE /keys/{key}, after which GET shows the 404 problem+json', async () => {
    const key = { key: 'swagger:menu' };
    expect(await tryItOut(operationBlock(docs.page(), 'DELETE', '/keys/{key}'), { parameters: key })).toMatchObject({ status: 204 });
    const read = await tryItOut(operationBlock(docs.page(), 'GET', '/keys/{key}'), { parameters: key });
    expect(read.status).toBe(404);
    expect(JSON.parse(read.body)).toMatchObject({ status: 404, code: 'not_found', instance: '/keys/swagger%3Amenu' });
  });

  // Last, so the picture shows the responses above. Set LARDER_SCREENSHOT_DIR to keep it.
  it('renders a page worth looking at (full-page screenshot)', async () => {
    const file = join(process.env.LARDER_SCREENSHOT_DIR ?? browser.workDir, 'swagger-ui.png');
    await docs.page().screenshot({ path: file, fullPage: true });
    const png = await readFile(file);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.length).toBeGreaterThan(50_000); // a blank or unstyled page compresses to a few kB
  });
});

describe('Swagger UI with bearer tokens configured', BROWSER_TEST, () => {
  const docs = docsPage({ auth: { tokens: ['swagger-token'] } });

  it('runs the public health routes without a token', async () => {
    const shown = await tryItOut(operationBlock(docs.page(), 'GET', '/health/ready'));
    expect(shown.status).toBe(200);
    expect(JSON.parse(shown.body)).toEqual({ status: 'ok', detail: 'test' });
  });

  it('answers 401 before "Authorize" and runs the command after it', async () => {
    const block = operationBlock(docs.page(), 'POST', '/commands');
    const refused = await tryItOut(block, { body: '["DBSIZE"]' });
    expect(refused).toEqual({ status: 401, body: expect.stringContaining('Unauthorized') });

    await authorize(docs.page(), 'swagger-token');
    const accepted = await tryItOut(block, { body: '["DBSIZE"]' });
    expect(accepted.status).toBe(200);
    expect(JSON.parse(accepted.body)).toEqual({ result: 0 });
  });
});
