import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { closeHttp } from '../../src/server.js';
import { testAppOptions } from '../support/http-server.js';

describe('closeHttp', () => {
  it('cuts a connection still open after the grace period instead of waiting for it', async () => {
    const app = await buildApp(testAppOptions());
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as { port: number };
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    // Half a request: the connection is busy, so Fastify's own close would wait for it.
    socket.write('GET /health/live HTTP/1.1\r\nHost: x\r\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closedSocket = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const startedMs = Date.now();
    await closeHttp(app, 200);
    await closedSocket;
    expect(Date.now() - startedMs).toBeLessThan(5_000);
  });
});
