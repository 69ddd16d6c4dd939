import { Redis } from 'ioredis';
import { createClient, RESP_TYPES } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectIoredis, startResp, type RespHarness } from './harness.js';

/** Real client libraries against the RESP door: what users run, no mocks. */

let larder: RespHarness;
let ioredis: Redis;

beforeAll(async () => {
  larder = await startResp();
  ioredis = await connectIoredis(larder.port);
});

afterAll(async () => {
  ioredis.disconnect();
  await larder.close();
});

describe('ioredis (RESP2)', () => {
  it('stores and reads strings, counters and binary values', async () => {
    expect(await ioredis.set('greeting', 'héllo wörld')).toBe('OK');
    expect(await ioredis.get('greeting')).toBe('héllo wörld');
    expect(await ioredis.append('greeting', '!')).toBe(Buffer.byteLength('héllo wörld!'));
    expect(await ioredis.incrby('counter', 41)).toBe(41);
    expect(await ioredis.incr('counter')).toBe(42);
    const bytes = Buffer.from([0, 255, 13, 10, 128, 7]);
    await ioredis.set('binary', bytes);
    expect(await ioredis.getBuffer('binary')).toEqual(bytes);
    await ioredis.mset('a', '1', 'b', '2');
    expect(await ioredis.mget('a', 'missing', 'b')).toEqual(['1', null, '2']);
  });

  it('expires keys by the engine clock', async () => {
    await ioredis.set('session', 'token', 'EX', 10);
    expect(await ioredis.ttl('session')).toBe(10);
    larder.engine.clock.advance(9_000);
    expect(await ioredis.pttl('session')).toBe(1000);
    larder.engine.clock.advance(1_000);
    expect(await ioredis.get('session')).toBeNull();
    expect(await ioredis.exists('session')).toBe(0);
  });

  it('answers a deep pipeline with every reply in order', async () => {
    const pipeline = ioredis.pipeline();
    for (let i = 0; i < 2000; i++) pipeline.set(`p:${i}`, String(i)).get(`p:${i}`);
    const results = await pipeline.exec();
    expect(results).toHaveLength(4000);
    results!.forEach(([error, value], i) => {
      expect(error).toBeNull();
      expect(value).toBe(i % 2 === 0 ? 'OK' : String((i - 1) / 2));
    });
  });

  it("surfaces Redis's error texts and keeps the connection usable", async () => {
    await ioredis.set('text', 'abc');
    await expect(ioredis.incr('text')).rejects.toThrow('ERR value is not an integer or out of range');
    await expect(ioredis.call('NOSUCHCOMMAND', 'x')).rejects.toThrow(
      "ERR unknown command 'NOSUCHCOMMAND', with args beginning with: 'x' ",
    );
    await expect(ioredis.call('GET')).rejects.toThrow("ERR wrong number of arguments for 'get' command");
    expect(await ioredis.ping()).toBe('PONG');
  });

  it('selects numbered databases per connection', async () => {
    const other = new Redis({ port: larder.port, host: '127.0.0.1', db: 3 });
    await other.set('scoped', 'three');
    expect(await ioredis.get('scoped')).toBeNull();
    expect(await other.get('scoped')).toBe('three');
    other.disconnect();
  });
});

describe('authentication', () => {
  let secured: RespHarness;
  beforeAll(async () => {
    secured = await startResp({ tokens: ['s3cret', 'rotated'] });
  });
  afterAll(() => secured.close());

  it('refuses commands before AUTH with NOAUTH', async () => {
    const client = new Redis({ port: secured.port, lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0 });
    await client.connect();
    await expect(client.get('k')).rejects.toThrow('NOAUTH Authentication required.');
    client.disconnect();
  });

  it('accepts any configured token, as password or as the default user', async () => {
    const client = new Redis({ port: secured.port, password: 'rotated' });
    expect(await client.set('k', 'v')).toBe('OK');
    const withUser = new Redis({ port: secured.port, username: 'default', password: 's3cret' });
    expect(await withUser.get('k')).toBe('v');
    client.disconnect();
    withUser.disconnect();
  });

  it('answers WRONGPASS for a wrong token or another user', async () => {
    const client = new Redis({ port: secured.port, lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0 });
    await client.connect();
    await expect(client.call('AUTH', 'nope')).rejects.toThrow('WRONGPASS invalid username-password pair or user is disabled.');
    await expect(client.call('AUTH', 'admin', 's3cret')).rejects.toThrow('WRONGPASS');
    client.disconnect();
  });
});

describe('node-redis', () => {
  it('works over RESP3 (HELLO 3): maps, doubles and nulls arrive typed', async () => {
    const client = createClient({ socket: { port: larder.port, host: '127.0.0.1' }, RESP: 3 });
    await client.connect();
    await client.set('resp3', 'yes');
    expect(await client.get('resp3')).toBe('yes');
    expect(await client.get('resp3-missing')).toBeNull();
    const hello = await client.hello();
    expect(hello).toMatchObject({ proto: 3, mode: 'standalone', role: 'master' });
    const config = await client.configGet('maxclients');
    expect(config).toEqual({ maxclients: '100' });
    await client.zAdd('scores', { score: 1.5, value: 'ada' });
    // ZSCORE is a RESP3 double (`,1.5`): node-redis maps it to a number, or keeps the text on request.
    expect(await client.zScore('scores', 'ada')).toBe(1.5);
    const asText = await client.withTypeMapping({ [RESP_TYPES.DOUBLE]: String }).sendCommand(['ZSCORE', 'scores', 'ada']);
    expect(asText).toBe('1.5');
    await client.hSet('profile', { name: 'ada', year: '1815' });
    expect(await client.hGetAll('profile')).toEqual({ name: 'ada', year: '1815' });
    client.destroy();
  });

  it('works over RESP2 with pipelined commands', async () => {
    const client = createClient({ socket: { port: larder.port, host: '127.0.0.1' } });
    await client.connect();
    // Commands issued in one tick are written together and answered in order.
    const replies = await Promise.all([client.set('n1', '1'), client.incr('n1'), client.get('n1')]);
    expect(replies).toEqual(['OK', 2, '2']);
    client.destroy();
  });
});
