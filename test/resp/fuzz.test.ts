import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const WORKER = fileURLToPath(new URL('./fuzz/fuzz-worker.ts', import.meta.url));

interface FuzzResult {
  frames: number;
  commands: number;
  protocolErrors: number;
  socketFrames: number;
  socketConnections: number;
  stillServing: boolean;
  heapBeforeBytes: number;
  heapAfterBytes: number;
  elapsedMs: number;
}

/**
 * 1,000,000 seeded random/mutated frames straight into parser → dispatcher → encoder, plus 20,000
 * over real sockets to a listener, in a child process with --expose-gc. Nothing may throw, the
 * listener must still answer afterwards, and the heap after a forced GC must be back near the
 * baseline taken after warm-up (the fixed allowance covers V8's own caches, not per-frame state).
 */
describe('RESP fuzzer', () => {
  it('survives 1,000,000 random and mutated frames and returns to its memory baseline', async () => {
    const { stdout } = await run(process.execPath, ['--expose-gc', '--import', 'tsx', WORKER, '1000000', '20000', '20261121'], {
      timeout: 170_000,
      maxBuffer: 1024 * 1024,
    });
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as FuzzResult;
    expect(result.frames).toBeGreaterThanOrEqual(1_000_000);
    expect(result.socketFrames).toBeGreaterThanOrEqual(20_000);
    expect(result.commands).toBeGreaterThan(500_000);
    expect(result.protocolErrors).toBeGreaterThan(10_000);
    expect(result.stillServing).toBe(true);
    expect(result.heapAfterBytes - result.heapBeforeBytes).toBeLessThan(2 * 1024 * 1024);
  }, 180_000);
});
