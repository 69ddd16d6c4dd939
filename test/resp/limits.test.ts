import { afterEach, describe, expect, it } from 'vitest';
import { frame, RawClient, startResp, type RespHarness } from './harness.js';

/** The limits Redis has, enforced over real sockets; each test starts its own listener. */

let larder: RespHarness | undefined;
const clients: RawClient[] = [];

async function connect(): Promise<RawClient> {
  const client = await RawClient.connect(larder!.port);
  clients.push(client);
  return client;
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await larder?.close();
  larder = undefined;
});

async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('protocol errors', () => {
  it('answers the commands before the bad frame, then the error, then closes', async () => {
    larder = await startResp();
    const client = await connect();
    client.send(`${frame('PING')}*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n${frame('PING')}`);
    expect(await client.waitClosed()).toBe("+PONG\r\n-ERR Protocol error: expected '$', got 'f'\r\n");
  });

  it('closes a desynchronised client that keeps sending an endless inline request', async () => {
    larder = await startResp();
    const client = await connect();
    client.send('\0');
    for (let i = 0; i < 100 && !client.ended; i++) client.send('payload'.repeat(200));
    expect(await client.waitClosed()).toBe('-ERR Protocol error: too big inline request\r\n');
  });

  it('refuses oversized bulks before authentication when tokens are configured', async () => {
    larder = await startResp({ tokens: ['t'] });
    const client = await connect();
    client.send('*2\r\n$4\r\nAUTH\r\n$20000\r\n');
    expect(await client.waitClosed()).toBe('-ERR Protocol error: unauthenticated bulk length\r\n');
  });

  it('drops an HTTP request sent to the RESP port without running what follows (cross-protocol attack)', async () => {
    larder = await startResp();
    larder.engine.run('SET', 'precious', 'v');
    const client = await connect();
    client.send('POST / HTTP/1.1\r\nHost: 127.0.0.1:6380\r\nContent-Type: text/plain\r\n\r\nFLUSHALL\r\n');
    expect(await client.waitClosed()).toBe('');
    expect(larder.engine.run('EXISTS', 'precious')).toBe(1);
    expect(larder.logs.some((entry) => entry.msg.includes('cross-protocol'))).toBe(true);
  });

  it('honours proto-max-bulk-len, also after CONFIG SET', async () => {
    larder = await startResp({ protoMaxBulkLenBytes: 2 * 1024 * 1024 });
    const client = await connect();
    await client.roundTrip(frame('CONFIG', 'SET', 'proto-max-bulk-len', '1mb'), 5);
    client.send(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${1024 * 1024 + 1}\r\n`);
    expect(await client.waitClosed()).toBe('+OK\r\n-ERR Protocol error: invalid bulk length\r\n');
  });
});

describe('connection limits', () => {
  it('refuses connections past maxclients with Redis\'s error and counts them', async () => {
    larder = await startResp({ maxClients: 2 });
    await (await connect()).roundTrip(frame('PING'), 7);
    await (await connect()).roundTrip(frame('PING'), 7);
    const third = await connect();
    expect(await third.waitClosed()).toBe('-ERR max number of clients reached\r\n');
    expect(larder.engine.server.clients.rejectedConnections).toBe(1);
  });

  it('closes clients idle longer than the timeout', async () => {
    larder = await startResp({ idleTimeoutSeconds: 1 });
    const client = await connect();
    await client.roundTrip(frame('PING'), 7);
    const startedMs = Date.now();
    await client.waitClosed(4000);
    expect(Date.now() - startedMs).toBeGreaterThanOrEqual(900);
  });

  it('disconnects a client that stops reading once its pending replies pass the output limit', async () => {
    larder = await startResp({ outputBufferLimitBytes: 4 * 1024 * 1024 });
    larder.engine.run('SET', 'big', 'x'.repeat(512 * 1024));
    const reader = await connect();
    reader.socket.pause();
    const memoryBefore = process.memoryUsage().rss;
    reader.send(frame('GET', 'big').repeat(400));
    await until(() => larder!.server.clientCount() === 0);
    expect(larder.logs.some((entry) => entry.msg.includes('output buffer limit'))).toBe(true);
    // 400 × 512 KiB = 200 MiB of replies were requested; far less was ever held.
    expect(process.memoryUsage().rss - memoryBefore).toBeLessThan(100 * 1024 * 1024);
  });

  it('disconnects a client whose unparsed input passes the query buffer limit', async () => {
    larder = await startResp({ queryBufferLimitBytes: 256 * 1024 });
    const client = await connect();
    client.send(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1000000\r\n`);
    for (let i = 0; i < 8; i++) client.send('y'.repeat(64 * 1024));
    await client.waitClosed();
    expect(larder.logs.some((entry) => entry.msg.includes('query buffer limit'))).toBe(true);
  });
});

describe('shutdown', () => {
  it('close() delivers the replies already produced, then ends every connection', async () => {
    larder = await startResp();
    const client = await connect();
    larder.engine.run('SET', 'k', 'v'.repeat(100_000));
    const replyLength = 1 + 6 + 2 + 100_000 + 2;
    // One small write (one read on the server) asking for ~5 MB of replies.
    client.send(frame('GET', 'k').repeat(50));
    await until(() => client.received.length > 0);
    await larder.close();
    await client.waitClosed();
    expect(client.received.length).toBe(50 * replyLength);
    larder = undefined;
  });
});
