import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/store/clock.js';
import { testEngine } from '../support/engine.js';
import { frame, RawClient, startResp, type RespHarness } from './harness.js';

/** A clock that moves one millisecond forward every time it is read, and counts the reads. */
class TickingClock implements Clock {
  reads = 0;
  private currentMs = 1_700_000_000_000;
  nowMs(): number {
    this.reads++;
    return this.currentMs++;
  }
}

const clock = new TickingClock();
let larder: RespHarness;

beforeAll(async () => {
  larder = await startResp({}, testEngine({ clock }));
});
afterAll(() => larder.close());

async function send(client: RawClient, commands: string[][], expectedLength: number): Promise<string> {
  client.received = '';
  return client.send(commands.map((argv) => frame(...argv)).join('')).until((text) => text.length >= expectedLength);
}

describe('time within a pipeline batch', () => {
  it('commands that arrive in one read share one clock reading', async () => {
    const client = await RawClient.connect(larder.port);
    try {
      // A 1 ms TTL survives to the next command only if both see the same time.
      const together = await send(client, [['SET', 'k', 'v', 'PX', '1'], ['GET', 'k']], '+OK\r\n$1\r\nv\r\n'.length);
      expect(together).toBe('+OK\r\n$1\r\nv\r\n');
      await send(client, [['SET', 'k', 'v', 'PX', '1']], '+OK\r\n'.length);
      expect(await send(client, [['GET', 'k']], '$-1\r\n'.length)).toBe('$-1\r\n');
    } finally {
      client.close();
    }
  });

  it('a long batch reads the clock again every 16 commands', async () => {
    const client = await RawClient.connect(larder.port);
    try {
      const pings = Array.from({ length: 40 }, () => ['PING']);
      const before = clock.reads;
      await send(client, pings, '+PONG\r\n'.length * 40);
      // 40 commands in one read: readings before commands 1, 17 and 33. Nothing else reads
      // this clock (the harness runs no expiry or snapshot timers).
      expect(clock.reads - before).toBe(3);
    } finally {
      client.close();
    }
  });
});
