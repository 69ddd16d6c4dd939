import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectIoredis, RawClient, startResp, type RespHarness } from './harness.js';

let larder: RespHarness;
const clients: Redis[] = [];

async function client(): Promise<Redis> {
  const redis = await connectIoredis(larder.port);
  clients.push(redis);
  return redis;
}

/** Resolves once the server counts `count` blocked clients (INFO clients), as Redis's tests wait. */
async function blockedClients(count: number): Promise<void> {
  const deadline = Date.now() + 3000;
  while (larder.engine.server.blocking.blockedCount !== count) {
    if (Date.now() > deadline) throw new Error(`expected ${count} blocked clients`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

beforeAll(async () => {
  larder = await startResp();
});

afterEach(async () => {
  for (const redis of clients.splice(0)) redis.disconnect();
  await blockedClients(0);
  larder.engine.run('flushall');
});

afterAll(async () => {
  await larder.close();
});

describe('blocking list pops over RESP (ioredis)', () => {
  it('BLPOP is served by a push from another client', async () => {
    const [waiter, pusher] = [await client(), await client()];
    const popped = waiter.blpop('queue', 0);
    await blockedClients(1);
    expect(await pusher.rpush('queue', 'job-1')).toBe(1);
    expect(await popped).toEqual(['queue', 'job-1']);
    expect(await pusher.exists('queue')).toBe(0);
  });

  it('serves waiters FIFO, one item each, and a variadic push serves its last item first', async () => {
    const [first, second, pusher] = [await client(), await client(), await client()];
    const a = first.blpop('q', 0);
    await blockedClients(1);
    const b = second.blpop('q', 0);
    await blockedClients(2);
    await pusher.lpush('q', 'foo', 'bar', 'baz');
    expect(await a).toEqual(['q', 'baz']);
    expect(await b).toEqual(['q', 'bar']);
    expect(await pusher.lrange('q', 0, -1)).toEqual(['foo']);
  });

  it('MULTI/EXEC is isolated from the point of view of BLPOP', async () => {
    const [waiter, writer] = [await client(), await client()];
    const popped = waiter.blpop('list', 0);
    await blockedClients(1);
    // LPUSH + DEL inside one transaction gives the waiter nothing.
    await writer.multi().lpush('list', 'a').del('list').exec();
    await writer.multi().lpush('list', 'b').lpush('list', 'c').exec();
    expect(await popped).toEqual(['list', 'c']);
  });

  it('BLMOVE waits for the source and moves into the destination; linked moves chain', async () => {
    const [mover, chained, pusher] = [await client(), await client(), await client()];
    const moved = mover.blmove('src', 'mid', 'RIGHT', 'LEFT', 0);
    await blockedClients(1);
    const chainedMove = chained.blmove('mid', 'dst', 'LEFT', 'RIGHT', 0);
    await blockedClients(2);
    await pusher.rpush('src', 'item');
    expect(await moved).toBe('item');
    expect(await chainedMove).toBe('item');
    expect(await pusher.lrange('dst', 0, -1)).toEqual(['item']);
    expect(await pusher.exists('src', 'mid')).toBe(0);
  });

  it('BRPOPLPUSH into a key of the wrong type answers WRONGTYPE and leaves the pushed item', async () => {
    const [waiter, pusher] = [await client(), await client()];
    await pusher.set('target', 'not a list');
    const moved = waiter.brpoplpush('source', 'target', 0).catch((error: Error) => error);
    await blockedClients(1);
    await pusher.rpush('source', 'foo');
    expect(String(await moved)).toMatch(/^ReplyError: WRONGTYPE/);
    expect(await pusher.lrange('source', 0, -1)).toEqual(['foo']);
  });

  it('BLMPOP serves COUNT items from the key that received them', async () => {
    const [waiter, pusher] = [await client(), await client()];
    const popped = waiter.blmpop(0, 2, 'l1', 'l2', 'LEFT', 'COUNT', 2);
    await blockedClients(1);
    await pusher.rpush('l2', 'a', 'b', 'c');
    expect(await popped).toEqual(['l2', ['a', 'b']]);
  });
});

describe('blocking sorted-set pops over RESP (ioredis)', () => {
  it('BZPOPMIN answers [key, member, score] once a member is added', async () => {
    const [waiter, writer] = [await client(), await client()];
    const popped = waiter.bzpopmin('board', 'other', 0);
    await blockedClients(1);
    await writer.zadd('other', 3, 'c', 1, 'a');
    expect(await popped).toEqual(['other', 'a', '1']);
    expect(await writer.zrange('other', 0, -1)).toEqual(['c']);
  });

  it('BZMPOP MAX COUNT serves the highest members', async () => {
    const [waiter, writer] = [await client(), await client()];
    const popped = waiter.bzmpop(0, 1, 'z', 'MAX', 'COUNT', 2);
    await blockedClients(1);
    await writer.zadd('z', 1, 'a', 2, 'b', 3, 'c');
    expect(await popped).toEqual(['z', [['c', '3'], ['b', '2']]]);
  });
});

describe('timeouts, unblocking and cleanup', () => {
  it('a float timeout answers a null array after about that long', async () => {
    const redis = await client();
    const startedMs = performance.now();
    expect(await redis.blpop('never', 0.2)).toBeNull();
    const elapsedMs = performance.now() - startedMs;
    expect(elapsedMs).toBeGreaterThanOrEqual(190);
    expect(elapsedMs).toBeLessThan(1500);
  });

  it('timeout 0 waits past any short deadline until data arrives', async () => {
    const [waiter, pusher] = [await client(), await client()];
    const popped = waiter.brpop('late', 0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(larder.engine.server.blocking.blockedCount).toBe(1);
    await pusher.rpush('late', 'x');
    expect(await popped).toEqual(['late', 'x']);
  });

  it('refuses negative and non-numeric timeouts with Redis\'s texts', async () => {
    const redis = await client();
    await expect(redis.blpop('l', -1)).rejects.toThrow('ERR timeout is negative');
    await expect(redis.blpop('l', 'soon')).rejects.toThrow('ERR timeout is not a float or out of range');
    await expect(redis.bzpopmax('z', 'inf')).rejects.toThrow('ERR timeout is not a float or out of range');
  });

  it('CLIENT UNBLOCK answers the waiter as a timeout, or with the UNBLOCKED error', async () => {
    const [waiter, admin] = [await client(), await client()];
    const id = Number(await waiter.client('ID'));
    const first = waiter.blpop('l', 0);
    await blockedClients(1);
    expect(await admin.client('UNBLOCK', id)).toBe(1);
    expect(await first).toBeNull();
    const second = waiter.blpop('l', 0).catch((error: Error) => error);
    await blockedClients(1);
    expect(await admin.client('UNBLOCK', id, 'ERROR')).toBe(1);
    expect(String(await second)).toBe('ReplyError: UNBLOCKED client unblocked via CLIENT UNBLOCK');
    expect(await admin.client('UNBLOCK', id)).toBe(0);
  });

  it('a blocked client\'s later commands wait, then run in order after it is served', async () => {
    const raw = await RawClient.connect(larder.port);
    raw.send('*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n*1\r\n$4\r\nPING\r\n');
    await blockedClients(1);
    expect(raw.received).toBe('');
    larder.engine.run('rpush', 'q', 'v');
    expect(await raw.until((text) => text.endsWith('+PONG\r\n'))).toBe('*2\r\n$1\r\nq\r\n$1\r\nv\r\n+PONG\r\n');
    raw.socket.destroy();
  });

  it('a blocked client that disconnects is forgotten: the next push stays in the list', async () => {
    const [waiter, pusher] = [await client(), await client()];
    void waiter.blpop('q', 0).catch(() => undefined);
    await blockedClients(1);
    waiter.disconnect();
    await blockedClients(0);
    await pusher.rpush('q', 'kept');
    expect(await pusher.lrange('q', 0, -1)).toEqual(['kept']);
  });

  it('INFO and CLIENT LIST show the blocked client', async () => {
    const [waiter, observer] = [await client(), await client()];
    const id = Number(await waiter.client('ID'));
    void waiter.blpop('q', 0).catch(() => undefined);
    await blockedClients(1);
    expect(await observer.info('clients')).toContain('blocked_clients:1');
    expect(await observer.client('LIST', 'ID', id)).toContain(' flags=b ');
  });
});
