import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { cleanUp } from '../e2e/larder-process.js';
import { eventually, settledSoon, startDoorServer, type DoorServer } from '../persistence/aof-doors-server.js';

afterAll(cleanUp);

let door: DoorServer | undefined;
const clients: Redis[] = [];

afterEach(async () => {
  door?.disk.resumeSyncs();
  door?.disk.clearFaults();
  for (const client of clients.splice(0)) client.disconnect();
  await door?.server.close();
  door = undefined;
});

async function start(): Promise<DoorServer> {
  door = await startDoorServer();
  return door;
}

function client(d: DoorServer): Redis {
  // No offline queue and no retries: a refused or held reply must show as it is.
  const redis = new Redis({ port: d.respPort, host: '127.0.0.1', maxRetriesPerRequest: 0, enableOfflineQueue: false, lazyConnect: true });
  clients.push(redis);
  return redis;
}

async function connected(d: DoorServer): Promise<Redis> {
  const redis = client(d);
  await redis.connect();
  return redis;
}

describe('RESP door under appendfsync always', () => {
  it('holds the reply of a write until the fdatasync that covers it, then sends it', async () => {
    const d = await start();
    const a = await connected(d);
    d.disk.pauseSyncs();
    const reply = a.set('k', 'v');
    await eventually(() => d.disk.syncsWaiting > 0, 'the group commit fsync');
    expect(await settledSoon(reply)).toBe(false);
    d.disk.resumeSyncs();
    expect(await reply).toBe('OK');
  });

  it('keeps the order of one connection: a read sent after a held write is answered after it', async () => {
    const d = await start();
    const a = await connected(d);
    d.disk.pauseSyncs();
    const order: string[] = [];
    const write = a.incr('n').then((value) => order.push(`incr ${value}`));
    await eventually(() => d.disk.syncsWaiting > 0, 'the group commit fsync');
    // A later batch of the same connection: a read, which on its own would not wait.
    const read = a.get('n').then((value) => order.push(`get ${value}`));
    expect(await settledSoon(read)).toBe(false);
    d.disk.resumeSyncs();
    await Promise.all([write, read]);
    expect(order).toEqual(['incr 1', 'get 1']);
  });

  it('does not hold the reads of another connection behind a held write', async () => {
    const d = await start();
    const [a, b] = [await connected(d), await connected(d)];
    d.disk.pauseSyncs();
    const held = a.set('k', 'v');
    expect(await b.get('k')).toBe('v');
    expect(await settledSoon(held)).toBe(false);
    d.disk.resumeSyncs();
    expect(await held).toBe('OK');
  });

  it('refuses writes with MISCONF while the disk is full, serves reads, and takes writes again once it is not', async () => {
    const d = await start();
    const [a, b] = [await connected(d), await connected(d)];
    await a.set('before', '1');
    d.disk.inject({ op: 'append', code: 'ENOSPC' });
    // This write reached memory before the disk failed; its reply waits until it is durable.
    const held = a.set('during', '2');
    await eventually(async () => (await b.info('persistence')).includes('aof_last_write_status:err'), 'the write error');
    await expect(b.set('refused', '3')).rejects.toThrow('MISCONF Errors writing to the AOF file: No space left on device');
    await expect(b.ping()).rejects.toThrow(/^MISCONF /);
    expect(await b.get('before')).toBe('1');
    expect(await settledSoon(held)).toBe(false);
    d.disk.clearFaults();
    expect(await held).toBe('OK');
    expect(await b.set('after', '4')).toBe('OK');
    expect(await b.mget('before', 'during', 'refused', 'after')).toEqual(['1', '2', null, '4']);
  });
});
