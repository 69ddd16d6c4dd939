/** Loopback ports and readiness probes for the servers under test. */
import { createConnection, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A port that was free a moment ago (the kernel's choice for port 0). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

/** Polls until `probe` resolves true or `timeoutMs` passes; `describe` names what never came up. */
export async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number, describe: () => string): Promise<void> {
  const deadlineMs = Date.now() + timeoutMs;
  while (Date.now() < deadlineMs) {
    if (await probe().catch(() => false)) return;
    await sleep(50);
  }
  throw new Error(`not ready after ${timeoutMs} ms: ${describe()}`);
}

export async function httpReady(url: string): Promise<boolean> {
  const response = await fetch(url);
  await response.arrayBuffer();
  return response.ok;
}

/** True when a RESP server answers PING with +PONG. */
export async function respReady(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.setTimeout(1000, () => socket.destroy());
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.end();
      resolve(data.toString('latin1').startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(false));
  });
}

/** Sends one command as a RESP multibulk and resolves with the raw reply (one read; small replies only). */
export async function respCommand(port: number, argv: readonly string[]): Promise<string> {
  const frame = `*${argv.length}\r\n${argv.map((arg) => `$${Buffer.byteLength(arg, 'latin1')}\r\n${arg}\r\n`).join('')}`;
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.setTimeout(2000, () => socket.destroy(new Error(`no reply to ${argv[0]} on port ${port}`)));
    socket.once('connect', () => socket.write(frame, 'latin1'));
    socket.once('data', (data) => {
      socket.end();
      resolve(data.toString('latin1'));
    });
    socket.once('error', reject);
  });
}
