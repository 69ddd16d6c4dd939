import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { testAppOptions } from '../support/http-server.js';
import { connectIoredis, RawClient, startResp, type RespHarness } from './harness.js';

let larder: RespHarness;
/** The HTTP doors on the same engine as the RESP listener. */
let app: FastifyInstance;
const clients: Redis[] = [];

async function client(): Promise<Redis> {
  const redis = await connectIoredis(larder.port);
  clients.push(redis);
  return redis;
}

beforeAll(async () => {
  larder = await startResp();
  app = await buildApp(testAppOptions({ engine: larder.engine }));
});

afterEach(() => {
  for (const redis of clients.splice(0)) redis.disconnect();
  larder.engine.run('flushall');
});

afterAll(async () => {
  await app.close();
  await larder.close();
});

describe('transactions over RESP (ioredis)', () => {
  it('MULTI/EXEC runs the queue atomically and answers every reply', async () => {
    const redis = await client();
    const results = await redis.multi().set('counter', '1').incr('counter').lpush('counter', 'x').get('counter').exec();
    expect(results?.map(([error, value]) => (error === null ? value : error.message))).toEqual([
      'OK', 2, 'WRONGTYPE Operation against a key holding the wrong kind of value', '2',
    ]);
  });

  it('a command refused while queueing makes EXEC answer EXECABORT', async () => {
    const redis = await client();
    const raw = await RawClient.connect(larder.port);
    raw.send('MULTI\r\nSET a 1\r\nNOSUCHCOMMAND\r\nEXEC\r\n');
    const text = await raw.until((received) => received.includes('EXECABORT'));
    expect(text).toBe(
      "+OK\r\n+QUEUED\r\n-ERR unknown command 'NOSUCHCOMMAND', with args beginning with: \r\n" +
        '-EXECABORT Transaction discarded because of previous errors.\r\n',
    );
    expect(await redis.exists('a')).toBe(0);
    raw.socket.destroy();
  });

  it('WATCH: a write by another RESP client turns EXEC into a null array', async () => {
    const [watcher, writer] = [await client(), await client()];
    await watcher.set('balance', '10');
    await watcher.watch('balance');
    await writer.incrby('balance', 5);
    expect(await watcher.multi().set('balance', '0').exec()).toBeNull();
    expect(await writer.get('balance')).toBe('15');
  });

  it('WATCH: a PUT through the REST door fails the transaction', async () => {
    const watcher = await client();
    await watcher.watch('profile');
    const put = await app.inject({ method: 'PUT', url: '/keys/profile', payload: 'from http', headers: { 'content-type': 'text/plain' } });
    expect(put.statusCode).toBeLessThan(300);
    expect(await watcher.multi().get('profile').exec()).toBeNull();
  });

  it('WATCH: a command through POST /commands fails the transaction', async () => {
    const watcher = await client();
    await watcher.watch('hits');
    const response = await app.inject({ method: 'POST', url: '/commands', payload: ['INCR', 'hits'] });
    expect(response.json()).toEqual({ result: 1 });
    expect(await watcher.multi().incr('hits').exec()).toBeNull();
  });

  it('PUSH resulting from BRPOPLPUSH affect WATCH', async () => {
    const [blocked, watcher, pusher] = [await client(), await client(), await client()];
    const moved = blocked.brpoplpush('srclist', 'dstlist', 0);
    while (larder.engine.server.blocking.blockedCount === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await watcher.watch('dstlist');
    await pusher.lpush('srclist', 'element');
    expect(await moved).toBe('element');
    expect(await watcher.multi().ping().exec()).toBeNull();
  });

  it('RESET ends MULTI and forgets watches on a live connection', async () => {
    const raw = await RawClient.connect(larder.port);
    raw.send('WATCH k\r\nMULTI\r\nSET q 1\r\nRESET\r\n');
    await raw.until((text) => text.endsWith('+RESET\r\n'));
    larder.engine.run('set', 'k', 'changed');
    raw.received = '';
    raw.send('MULTI\r\nPING\r\nEXEC\r\n');
    expect(await raw.until((text) => text.includes('*1'))).toBe('+OK\r\n+QUEUED\r\n*1\r\n+PONG\r\n');
    expect(larder.engine.run('exists', 'q')).toBe(0);
    raw.socket.destroy();
  });

  it('CLIENT LIST marks a client inside MULTI with flag x and its queue length', async () => {
    const observer = await client();
    // ioredis sends MULTI only at exec(); the raw protocol keeps the client inside MULTI.
    const raw = await RawClient.connect(larder.port);
    raw.send('CLIENT ID\r\nMULTI\r\nSET a 1\r\nSET b 2\r\n');
    const text = await raw.until((received) => received.split('+QUEUED').length === 3);
    const rawId = Number(/^:(\d+)/.exec(text)![1]);
    expect(await observer.client('LIST', 'ID', rawId)).toMatch(/ flags=x .* multi=2 /);
    const observerId = Number(await observer.client('ID'));
    expect(await observer.client('LIST', 'ID', observerId)).toMatch(/ flags=N .* multi=-1 /);
    raw.socket.destroy();
  });
});
