import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer, type RunningHttpServer } from '../support/http-server.js';
import { launchChromium, type Browser } from './swagger-page.js';

/** A browser's own EventSource on the SSE routes: what a web page listening to Larder runs. */

let browser: Browser;
let server: RunningHttpServer;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
  server = await startHttpServer({ auth: { tokens: ['browser-token'] } });
  page = await browser.context.newPage();
  // Any page of the same origin will do; the health probe needs no token.
  await page.goto(`${server.url}/health/live`);
}, 60_000);

afterAll(async () => {
  await page?.close();
  await browser?.close();
  server?.app.server.closeAllConnections();
  await server?.close();
});

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('EventSource in headless Chromium', { timeout: 60_000 }, () => {
  it('receives published messages, UTF-8 and multi-line ones intact, authenticated with ?_token=', async () => {
    await page.evaluate(() => {
      const events: string[] = [];
      (globalThis as unknown as { events: string[] }).events = events;
      const source = new EventSource('/commands/subscribe/browser-news?_token=browser-token');
      source.onmessage = (event) => events.push(event.data as string);
    });
    await until(() => server.engine.server.pubsub.channelSubscriberCount('browser-news') === 1);
    const utf8 = Buffer.from('héllo ✓', 'utf8').toString('latin1');
    expect(server.engine.run('PUBLISH', 'browser-news', utf8)).toBe(1);
    expect(server.engine.run('PUBLISH', 'browser-news', 'line one\nline two')).toBe(1);
    await page.waitForFunction(() => (globalThis as unknown as { events: string[] }).events.length === 3, undefined, { timeout: 10_000 });
    const events = await page.evaluate(() => (globalThis as unknown as { events: string[] }).events);
    expect(events).toEqual(['subscribe,browser-news,1', 'message,browser-news,héllo ✓', 'message,browser-news,line one\nline two']);
  });

  it('pattern streams deliver pmessage events, and closing the EventSource unsubscribes', async () => {
    await page.evaluate(() => {
      const events: string[] = [];
      const source = new EventSource('/commands/psubscribe/metrics.*?_token=browser-token');
      (globalThis as unknown as { patternEvents: string[]; patternSource: EventSource }).patternEvents = events;
      (globalThis as unknown as { patternSource: EventSource }).patternSource = source;
      source.onmessage = (event) => events.push(event.data as string);
    });
    await until(() => server.engine.server.pubsub.patternCount === 1);
    expect(server.engine.run('PUBLISH', 'metrics.cpu', '42')).toBe(1);
    await page.waitForFunction(() => (globalThis as unknown as { patternEvents: string[] }).patternEvents.length === 2, undefined, { timeout: 10_000 });
    expect(await page.evaluate(() => (globalThis as unknown as { patternEvents: string[] }).patternEvents)).toEqual([
      'psubscribe,metrics.*,1',
      'pmessage,metrics.*,metrics.cpu,42',
    ]);
    await page.evaluate(() => (globalThis as unknown as { patternSource: EventSource }).patternSource.close());
    await until(() => server.engine.server.pubsub.patternCount === 0);
  });
});
