import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { frame, RawClient, startResp, type RespHarness } from './harness.js';

/** Pub/sub through real clients on a real RESP listener: RESP2 (ioredis, raw bytes) and RESP3 (node-redis). */

let larder: RespHarness;
let publisher: Redis;
const opened: Array<{ disconnect(): void }> = [];

function ioredis(): Redis {
  const client = new Redis({ port: larder.port, host: '127.0.0.1', maxRetriesPerRequest: 0 });
  opened.push(client);
  return client;
}

/** Resolves with the next `count` messages a subscriber receives. */
function nextMessages(client: Redis, event: 'message' | 'pmessage', count: number): Promise<string[][]> {
  return new Promise((resolve) => {
    const seen: string[][] = [];
    const listener = (...args: string[]): void => {
      seen.push(args);
      if (seen.length < count) return;
      client.off(event, listener);
      resolve(seen);
    };
    client.on(event, listener);
  });
}

async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

beforeAll(async () => {
  larder = await startResp();
  publisher = new Redis({ port: larder.port, host: '127.0.0.1', maxRetriesPerRequest: 0 });
});

afterEach(() => {
  for (const client of opened.splice(0)) client.disconnect();
});

afterAll(async () => {
  publisher.disconnect();
  await larder.close();
});

describe('SUBSCRIBE / PUBLISH (RESP2, ioredis)', () => {
  it('PUBLISH/SUBSCRIBE basics: messages arrive in order and PUBLISH counts receivers', async () => {
    const subscriber = ioredis();
    expect(await subscriber.subscribe('chan1', 'chan2')).toBe(2);
    const received = nextMessages(subscriber, 'message', 2);
    expect(await publisher.publish('chan1', 'hello')).toBe(1);
    expect(await publisher.publish('chan2', 'world')).toBe(1);
    expect(await received).toEqual([['chan1', 'hello'], ['chan2', 'world']]);
    expect(await subscriber.unsubscribe('chan1')).toBe(1);
    expect(await publisher.publish('chan1', 'hello')).toBe(0);
    expect(await publisher.publish('chan2', 'again')).toBe(1);
  });

  it('counts one delivery per subscribed client', async () => {
    const first = ioredis();
    const second = ioredis();
    await first.subscribe('shared');
    await second.subscribe('shared');
    const both = Promise.all([nextMessages(first, 'message', 1), nextMessages(second, 'message', 1)]);
    expect(await publisher.publish('shared', 'hi')).toBe(2);
    expect(await both).toEqual([[['shared', 'hi']], [['shared', 'hi']]]);
  });

  it('delivers binary-safe channel names and payloads', async () => {
    const subscriber = ioredis();
    const channel = Buffer.from([0, 0xff, 0x0d, 0x0a]);
    const payload = Buffer.from([0x80, 0x00, 0x7f, 0xc3, 0x28]);
    await subscriber.subscribe(channel);
    const received = new Promise<Buffer[]>((resolve) => subscriber.once('messageBuffer', (c: Buffer, m: Buffer) => resolve([c, m])));
    expect(await publisher.publish(channel, payload)).toBe(1);
    expect(await received).toEqual([channel, payload]);
  });

  it('PSUBSCRIBE matches globs and a client holding channel and pattern receives both', async () => {
    const subscriber = ioredis();
    await subscriber.subscribe('foo.bar');
    expect(await subscriber.psubscribe('foo.*', 'b?z')).toBe(3);
    const direct = nextMessages(subscriber, 'message', 1);
    const matched = nextMessages(subscriber, 'pmessage', 2);
    expect(await publisher.publish('foo.bar', 'hello')).toBe(2);
    expect(await publisher.publish('baz', 'x')).toBe(1);
    expect(await publisher.publish('bazz', 'nobody')).toBe(0);
    expect(await direct).toEqual([['foo.bar', 'hello']]);
    expect(await matched).toEqual([['foo.*', 'foo.bar', 'hello'], ['b?z', 'baz', 'x']]);
  });

  it('PUBSUB CHANNELS, NUMSUB and NUMPAT describe live subscriptions', async () => {
    const first = ioredis();
    const second = ioredis();
    await first.subscribe('news.tech', 'news.art');
    await second.subscribe('news.tech');
    await first.psubscribe('foo*', 'bar*');
    await second.psubscribe('foo*', 'baz*');
    expect((await publisher.call('PUBSUB', 'CHANNELS', 'news.*') as string[]).sort()).toEqual(['news.art', 'news.tech']);
    expect(await publisher.call('PUBSUB', 'NUMSUB', 'news.tech', 'news.art', 'none')).toEqual(['news.tech', 2, 'news.art', 1, 'none', 0]);
    expect(await publisher.call('PUBSUB', 'NUMPAT')).toBe(3);
    first.disconnect();
    second.disconnect();
    await until(() => !larder.engine.server.pubsub.active);
    expect(await publisher.call('PUBSUB', 'CHANNELS')).toEqual([]);
    expect(await publisher.call('PUBSUB', 'NUMPAT')).toBe(0);
  });
});

describe('subscribed mode on the wire (RESP2, byte-exact)', () => {
  it('confirms each channel as its own frame, with the running count', async () => {
    const raw = await RawClient.connect(larder.port);
    const text = await raw.roundTrip(frame('SUBSCRIBE', 'a', 'b', 'a'), 3 * 30);
    expect(text).toBe(
      '*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:2\r\n',
    );
    raw.close();
  });

  it('refuses other commands with Redis\'s text, answers PING as [pong, message], and leaves the mode after the last unsubscribe', async () => {
    const raw = await RawClient.connect(larder.port);
    await raw.roundTrip(frame('SUBSCRIBE', 'somechannel'), 40);
    const refusal = "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n";
    expect(await raw.roundTrip(frame('GET', 'k'), refusal.length)).toBe(refusal);
    const containerRefusal = refusal.replace("'get'", "'client|id'");
    expect(await raw.roundTrip(frame('CLIENT', 'ID'), containerRefusal.length)).toBe(containerRefusal);
    const start = raw.received.length;
    raw.send(frame('PING') + frame('PING', 'foo') + frame('UNSUBSCRIBE', 'somechannel') + frame('PING'));
    const expected = '*2\r\n$4\r\npong\r\n$0\r\n\r\n*2\r\n$4\r\npong\r\n$3\r\nfoo\r\n'
      + '*3\r\n$11\r\nunsubscribe\r\n$11\r\nsomechannel\r\n:0\r\n+PONG\r\n';
    await raw.until((text) => text.length >= start + expected.length);
    expect(raw.received.slice(start)).toBe(expected);
    raw.close();
  });

  it('PUNSUBSCRIBE and UNSUBSCRIBE always reply, with a null channel when nothing was held', async () => {
    const raw = await RawClient.connect(larder.port);
    const expected = '*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:0\r\n*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n';
    expect(await raw.roundTrip(frame('PUNSUBSCRIBE') + frame('UNSUBSCRIBE'), expected.length)).toBe(expected);
    raw.close();
  });

  it('RESET drops every subscription silently and ends subscribed mode', async () => {
    const raw = await RawClient.connect(larder.port);
    await raw.roundTrip(frame('SUBSCRIBE', 'reset-me') + frame('PSUBSCRIBE', 'reset-*'), 2 * 36);
    expect(await raw.roundTrip(frame('RESET'), 8)).toBe('+RESET\r\n');
    expect(await publisher.publish('reset-me', 'gone')).toBe(0);
    expect(await raw.roundTrip(frame('GET', 'nothing'), 5)).toBe('$-1\r\n');
    raw.close();
  });

  it('a disconnected subscriber no longer counts as a receiver', async () => {
    const raw = await RawClient.connect(larder.port);
    await raw.roundTrip(frame('SUBSCRIBE', 'leaving'), 36);
    expect(await publisher.publish('leaving', 'still here')).toBe(1);
    raw.close();
    await until(() => larder.engine.server.pubsub.channelSubscriberCount('leaving') === 0);
    expect(await publisher.publish('leaving', 'gone')).toBe(0);
  });
});

describe('RESP3 pushes (node-redis, RESP: 3)', () => {
  it('delivers messages as pushes while the same connection keeps running normal commands', async () => {
    const client = createClient({ socket: { port: larder.port, host: '127.0.0.1' }, RESP: 3 });
    await client.connect();
    opened.push({ disconnect: () => void client.destroy() });
    const received: Array<[string, string]> = [];
    await client.subscribe('resp3-news', (message, channel) => received.push([channel, message]));
    await client.pSubscribe('resp3-*', (message, channel) => received.push([`p:${channel}`, message]));
    await client.set('resp3-key', 'value');
    expect(await client.get('resp3-key')).toBe('value');
    expect(await client.publish('resp3-news', 'to myself')).toBe(2);
    await until(() => received.length === 2);
    expect(received).toEqual([['resp3-news', 'to myself'], ['p:resp3-news', 'to myself']]);
    await client.unsubscribe('resp3-news');
    await client.pUnsubscribe('resp3-*');
    expect(await publisher.publish('resp3-news', 'nobody')).toBe(0);
  });

  it('writes the push after the reply of the PUBLISH that caused it (byte-exact)', async () => {
    const raw = await RawClient.connect(larder.port);
    raw.send(frame('HELLO', '3'));
    await raw.until((text) => text.includes('modules'));
    const start = raw.received.length;
    raw.send(frame('SUBSCRIBE', 'self') + frame('PUBLISH', 'self', 'hi'));
    const expected = '>3\r\n$9\r\nsubscribe\r\n$4\r\nself\r\n:1\r\n:1\r\n>3\r\n$7\r\nmessage\r\n$4\r\nself\r\n$2\r\nhi\r\n';
    await raw.until((text) => text.length >= start + expected.length);
    expect(raw.received.slice(start)).toBe(expected);
    raw.close();
  });
});

describe('idle timeout', () => {
  it('closes an idle plain client but keeps an idle subscriber connected', async () => {
    const idle = await startResp({ idleTimeoutSeconds: 1 });
    try {
      const plain = await RawClient.connect(idle.port);
      const subscriber = await RawClient.connect(idle.port);
      await subscriber.roundTrip(frame('SUBSCRIBE', 'waiting'), 36);
      await plain.waitClosed(4000);
      expect(subscriber.ended).toBe(false);
      expect(idle.engine.dispatcher.dispatch(['PUBLISH', 'waiting', 'still there'], idle.engine.session)).toBe(1);
      await subscriber.until((text) => text.includes('still there'));
      subscriber.close();
    } finally {
      await idle.close();
    }
  });
});
