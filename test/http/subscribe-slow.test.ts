import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startHttpServer } from '../support/http-server.js';

/**
 * A subscriber that stops reading must not make the server buffer without bound: once its unsent
 * output passes `pubsub.sseMaxBufferedBytes` the stream is cut and unsubscribed.
 */
describe('slow event-stream consumer', () => {
  it('is disconnected at the buffer limit while 256 MB of messages flow, and server memory stays flat', async () => {
    const limitBytes = 1024 * 1024;
    const server = await startHttpServer({ pubsub: { sseMaxBufferedBytes: limitBytes, sseKeepAliveMs: 60_000 } });
    const hub = server.engine.server.pubsub;
    const { port } = new URL(server.url);
    const socket = connect(Number(port), '127.0.0.1');
    let closedByServer = false;
    socket.on('close', () => (closedByServer = true));
    socket.on('error', () => {});
    try {
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      socket.write('GET /commands/subscribe/firehose HTTP/1.1\r\nHost: test\r\n\r\n');
      // Read the headers and the confirmation, then stop reading for good.
      await new Promise<void>((resolve) => socket.once('data', () => resolve()));
      socket.pause();
      expect(hub.channelSubscriberCount('firehose')).toBe(1);

      const message = 'x'.repeat(64 * 1024);
      const heapBeforeBytes = process.memoryUsage().heapUsed;
      let deliveredBeforeDrop = 0;
      for (let i = 0; i < 4096; i++) {
        const receivers = server.engine.run('PUBLISH', 'firehose', message);
        if (receivers === 1) deliveredBeforeDrop++;
        // Let the event loop move bytes into the socket, as it would between client commands.
        if (i % 64 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      const heapGrowthBytes = process.memoryUsage().heapUsed - heapBeforeBytes;

      expect(hub.channelSubscriberCount('firehose')).toBe(0);
      // Dropped long before the 256 MB were through: kernel buffers plus the limit, not the whole flow.
      expect(deliveredBeforeDrop * message.length).toBeLessThan(64 * 1024 * 1024);
      expect(heapGrowthBytes).toBeLessThan(48 * 1024 * 1024);
      // The client reads again: it gets what was already sent, then the end of the connection.
      socket.resume();
      await new Promise<void>((resolve) => (closedByServer ? resolve() : socket.once('close', () => resolve())));
      expect(closedByServer).toBe(true);
    } finally {
      socket.destroy();
      server.app.server.closeAllConnections();
      await server.close();
    }
  });
});
