import { connect, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { createRespServer, type RespOptions, type RespServer } from '../../src/resp/listener.js';
import { testEngine, type TestEngine } from '../support/engine.js';

/** A Larder engine (manual clock) behind a RESP listener on an ephemeral loopback port. */
export interface RespHarness {
  engine: TestEngine;
  server: RespServer;
  port: number;
  logs: Array<{ level: string; msg: string }>;
  close(): Promise<void>;
}

export async function startResp(options: Partial<RespOptions> = {}, engine: TestEngine = testEngine()): Promise<RespHarness> {
  const logs: Array<{ level: string; msg: string }> = [];
  const server = createRespServer(engine, {
    host: '127.0.0.1',
    port: 0,
    tokens: [],
    maxClients: 100,
    idleTimeoutSeconds: 0,
    protoMaxBulkLenBytes: 512_000_000,
    queryBufferLimitBytes: 1024 ** 3,
    outputBufferLimitBytes: 256 * 1024 ** 2,
    log: (level, msg) => logs.push({ level, msg }),
    ...options,
  });
  const port = await server.listen();
  return { engine, server, port, logs, close: () => server.close() };
}

/**
 * A raw TCP client for byte-exact protocol tests: send bytes, then wait for the received text to
 * satisfy a condition. Everything received stays in `received` (latin1).
 */
export class RawClient {
  received = '';
  ended = false;
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received += chunk.toString('latin1');
      this.wake();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  send(data: string | Buffer): this {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
    return this;
  }

  /** Resolves once `received` satisfies the condition (or the socket closed); fails after timeoutMs. */
  async until(condition: (received: string) => boolean, timeoutMs = 3000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!condition(this.received)) {
      if (this.ended) break;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; received so far: ${JSON.stringify(this.received.slice(0, 500))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.received;
  }

  /** Sends and waits until exactly `expected` more text has arrived; returns it. */
  async roundTrip(data: string, expectedLength: number): Promise<string> {
    const start = this.received.length;
    this.send(data);
    await this.until((text) => text.length >= start + expectedLength);
    return this.received.slice(start);
  }

  waitClosed(timeoutMs = 3000): Promise<string> {
    return this.until(() => this.ended, timeoutMs);
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** A command as a RESP multibulk frame. */
export function frame(...args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;
}

/** An ioredis client connected to the listener, failing fast instead of retrying (tests want errors). */
export async function connectIoredis(port: number): Promise<Redis> {
  const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
  await redis.connect();
  return redis;
}
