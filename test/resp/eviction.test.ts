import { afterEach, describe, expect, it } from 'vitest';
import { connectIoredis, startResp, type RespHarness } from './harness.js';

const OOM = "OOM command not allowed when used memory > 'maxmemory'.";

let harness: RespHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('maxmemory through a real client (ioredis)', () => {
  it('answers Redis\'s OOM error under noeviction, then evicts under allkeys-lru with INFO and OBJECT telling', async () => {
    harness = await startResp();
    const redis = await connectIoredis(harness.port);
    try {
      for (let i = 0; i < 20; i++) await redis.set(`k${i}`, 'x'.repeat(100));
      const used = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
      await redis.config('SET', 'maxmemory', String(used));
      await redis.set('over', 'x'.repeat(100));
      await expect(redis.set('refused', 'v')).rejects.toThrow(OOM);
      expect(await redis.get('k1')).toBe('x'.repeat(100));

      // 64 samples: the idle keys are always among the candidates, so the fresh ones stay.
      await redis.config('SET', 'maxmemory-policy', 'allkeys-lru', 'maxmemory-samples', '64');
      expect(await redis.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'allkeys-lru']);
      harness.engine.clock.advance(3000);
      for (let i = 0; i < 10; i++) await redis.set(`fresh${i}`, 'x'.repeat(100));
      expect(await redis.get('fresh9')).toBe('x'.repeat(100));
      const info = await redis.info();
      expect(Number(/evicted_keys:(\d+)/.exec(info)![1])).toBeGreaterThanOrEqual(10);
      expect(info).toContain('maxmemory_policy:allkeys-lru');
      expect(await redis.object('IDLETIME', 'fresh9')).toBe(0);
    } finally {
      redis.disconnect();
    }
  });
});
