import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { frame, RawClient } from './harness.js';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function connectWhenReady(port: number, timeoutMs: number): Promise<RawClient> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await RawClient.connect(port);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** The real CLI, stopped with SIGTERM while a RESP client still has megabytes of replies coming. */
describe('SIGTERM', () => {
  it('writes the replies already produced to RESP clients, closes them and exits 0', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'larder-sigterm-'));
    const child = spawn(process.execPath, [
      '--import', 'tsx', 'src/cli.ts', '--http.port=0', `--resp.port=${port}`, `--data.dir=${dataDir}`, '--snapshot.saveRules=', '--log.level=warn',
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const client = await connectWhenReady(port, 20_000);
      await client.roundTrip(frame('SET', 'big', 'v'.repeat(1_000_000)), 5);
      client.socket.pause();
      client.send(frame('GET', 'big').repeat(20));
      await new Promise((resolve) => setTimeout(resolve, 200));
      child.kill('SIGTERM');
      client.socket.resume();
      await client.waitClosed(20_000);
      expect(client.received.length).toBe(5 + 20 * (1 + 7 + 2 + 1_000_000 + 2));
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
