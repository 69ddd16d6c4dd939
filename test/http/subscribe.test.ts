import { spawn } from 'node:child_process';
import { Redis as Upstash } from '@upstash/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer, type RunningHttpServer } from '../support/http-server.js';

/** Pub/sub over HTTP as Server-Sent Events, on a real listener (inject cannot stream). */

let server: RunningHttpServer;

/** Reads an event stream's text as it arrives until `done` says enough. */
async function readStream(response: Response, done: (text: string) => boolean, timeoutMs = 3000): Promise<string> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = setTimeout(() => void reader.cancel(), timeoutMs);
  try {
    while (!done(text)) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    clearTimeout(deadline);
    await reader.cancel().catch(() => {});
  }
  return text;
}

async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function publish(url: string, channel: string, message: string): Promise<number> {
  const response = await fetch(`${url}/commands`, { method: 'POST', body: JSON.stringify(['PUBLISH', channel, message]) });
  return ((await response.json()) as { result: number }).result;
}

beforeAll(async () => {
  server = await startHttpServer();
});

afterAll(async () => {
  // See the authentication test: spare fetch sockets that never carry a request.
  server.app.server.closeAllConnections();
  await server.close();
});

describe('GET /commands/subscribe/:channel', () => {
  it('streams the confirmation and every message published through /commands', async () => {
    const response = await fetch(`${server.url}/commands/subscribe/news`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache, no-transform');
    const text = readStream(response, (t) => t.includes('second'));
    await until(() => server.engine.server.pubsub.channelSubscriberCount('news') === 1);
    expect(await publish(server.url, 'news', 'first')).toBe(1);
    expect(await publish(server.url, 'news', 'second')).toBe(1);
    expect(await text).toBe('data: subscribe,news,1\n\ndata: message,news,first\n\ndata: message,news,second\n\n');
  });

  it('unsubscribes when the client goes away', async () => {
    const controller = new AbortController();
    const response = await fetch(`${server.url}/commands/subscribe/short-lived`, { signal: controller.signal });
    await readStream(response, (t) => t.includes('subscribe,'));
    controller.abort();
    await until(() => server.engine.server.pubsub.channelSubscriberCount('short-lived') === 0);
    expect(await publish(server.url, 'short-lived', 'nobody')).toBe(0);
  });

  it('carries UTF-8 names and multi-line messages (several data: lines)', async () => {
    const response = await fetch(`${server.url}/commands/subscribe/${encodeURIComponent('café')}`);
    const text = readStream(response, (t) => t.includes('line two'));
    await until(() => server.engine.server.pubsub.active);
    await publish(server.url, 'café', 'héllo\nline two');
    expect(await text).toBe('data: subscribe,café,1\n\ndata: message,café,héllo\ndata: line two\n\n');
  });
});

describe('GET /commands/psubscribe/:pattern', () => {
  it('streams pmessage events for matching channels, including RESP-side publishes', async () => {
    const response = await fetch(`${server.url}/commands/psubscribe/${encodeURIComponent('orders.*')}`);
    const text = readStream(response, (t) => t.includes('shipped'));
    await until(() => server.engine.server.pubsub.patternCount === 1);
    expect(server.engine.run('PUBLISH', 'orders.42', 'shipped')).toBe(1);
    expect(await text).toBe('data: psubscribe,orders.*,1\n\ndata: pmessage,orders.*,orders.42,shipped\n\n');
  });

  it('receives keyspace notifications like any subscriber', async () => {
    server.engine.run('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
    try {
      const response = await fetch(`${server.url}/commands/psubscribe/${encodeURIComponent('__keyevent@0__:*')}`);
      const text = readStream(response, (t) => t.includes('watched'));
      await until(() => server.engine.server.pubsub.patternCount === 1);
      server.engine.run('SET', 'watched', '1');
      expect(await text).toContain('data: pmessage,__keyevent@0__:*,__keyevent@0__:set,watched\n\n');
    } finally {
      server.engine.run('CONFIG', 'SET', 'notify-keyspace-events', '');
    }
  });
});

describe('curl -N', () => {
  it('prints events as they are published', async () => {
    const curl = spawn('curl', ['-sN', '--max-time', '5', `${server.url}/commands/subscribe/curl-channel`]);
    let output = '';
    curl.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    try {
      await until(() => output.includes('subscribe,curl-channel,1'));
      expect(await publish(server.url, 'curl-channel', 'from fetch')).toBe(1);
      await until(() => output.includes('from fetch'));
      expect(output).toBe('data: subscribe,curl-channel,1\n\ndata: message,curl-channel,from fetch\n\n');
    } finally {
      curl.kill();
    }
  });
});

describe('@upstash/redis', () => {
  it('redis.subscribe() receives what redis.publish() sends', async () => {
    const redis = new Upstash({ url: `${server.url}/commands`, token: 'unused', automaticDeserialization: false });
    const subscriber = redis.subscribe<string>(['upstash-channel']);
    const received: Array<{ channel: string; message: string }> = [];
    subscriber.on('message', (event) => received.push(event));
    try {
      await until(() => server.engine.server.pubsub.channelSubscriberCount('upstash-channel') === 1);
      expect(await redis.publish('upstash-channel', 'hello upstash')).toBe(1);
      await until(() => received.length === 1);
      expect(received).toEqual([{ channel: 'upstash-channel', message: 'hello upstash' }]);
    } finally {
      await subscriber.unsubscribe();
    }
  });
});

describe('authentication', () => {
  it('accepts the bearer header or ?_token=, and answers 401 without either', async () => {
    const secured = await startHttpServer({ auth: { tokens: ['s3cret'] } });
    try {
      const missing = await fetch(`${secured.url}/commands/subscribe/a`);
      expect(missing.status).toBe(401);
      expect(await missing.json()).toEqual({ error: 'Unauthorized' });
      const wrong = await fetch(`${secured.url}/commands/subscribe/a?_token=wrong`);
      expect([wrong.status, await wrong.json()]).toEqual([401, { error: 'Unauthorized' }]);
      const leave = new AbortController();
      const byQuery = await fetch(`${secured.url}/commands/subscribe/a?_token=s3cret`, { signal: leave.signal });
      expect(await readStream(byQuery, (t) => t.includes('\n\n'))).toBe('data: subscribe,a,1\n\n');
      const byHeader = await fetch(`${secured.url}/commands/subscribe/b`, { headers: { authorization: 'Bearer s3cret' }, signal: leave.signal });
      expect(await readStream(byHeader, (t) => t.includes('\n\n'))).toBe('data: subscribe,b,1\n\n');
      leave.abort();
      // Only the event streams take a token in the URL.
      const other = await fetch(`${secured.url}/keys/anything?_token=s3cret`);
      expect([other.status, (await other.json() as { code: string }).code]).toEqual([401, 'unauthorized']);
    } finally {
      // fetch (undici) opens spare sockets after a cancelled stream that never carry a request;
      // the server counts them as open connections, so close() would wait for the client.
      secured.app.server.closeAllConnections();
      await secured.close();
    }
  });
});

describe('keep-alive and shutdown', () => {
  it('sends comment lines while idle and ends open streams when the app closes', async () => {
    const quick = await startHttpServer({ pubsub: { sseMaxBufferedBytes: 1024 * 1024, sseKeepAliveMs: 50 } });
    const response = await fetch(`${quick.url}/commands/subscribe/idle`);
    const text = readStream(response, () => false, 5000);
    await new Promise((resolve) => setTimeout(resolve, 180));
    await quick.close();
    const received = await text;
    expect(received.startsWith('data: subscribe,idle,1\n\n: keep-alive\n\n: keep-alive\n\n')).toBe(true);
    expect(quick.engine.server.pubsub.active).toBe(false);
  });
});
