import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const LOADER = fileURLToPath(new URL('./memory-accounting-load.ts', import.meta.url));

interface Measured {
  heapBytes: number;
  accountedBytes: number;
  keys: number;
}

/** Loads keys in a fresh process (its own heap, --expose-gc) and reports accounted vs heap growth. */
async function measure(workload: string, keys: number, valueBytes: number): Promise<Measured> {
  const { stdout } = await run(process.execPath, ['--expose-gc', '--import', 'tsx', LOADER, workload, String(keys), String(valueBytes)], { timeout: 60_000 });
  return JSON.parse(stdout) as Measured;
}

// The bar: used_memory matches what the process really holds within 10%.
const TOLERANCE = 0.1;

describe('memory accounting matches the heap V8 really uses (child process, after GC)', () => {
  const cases: Array<[string, number, number]> = [
    ['strings', 100_000, 100],
    ['strings', 100_000, 4],
    ['strings-ttl', 100_000, 100],
    ['hashes', 10_000, 100],
    ['hashes', 10_000, 4],
    ['lists', 10_000, 100],
    ['lists', 10_000, 4],
    ['sets', 10_000, 100],
    ['sets', 10_000, 4],
    ['zsets', 10_000, 100],
    ['zsets', 10_000, 4],
  ];
  it.each(cases)('%s: %i keys with %i-byte values', async (workload, keys, valueBytes) => {
    const measured = await measure(workload, keys, valueBytes);
    expect(measured.keys).toBe(keys);
    const ratio = measured.accountedBytes / measured.heapBytes;
    // Printed so a drift in V8's layout shows as a number, not only as a failure.
    console.log(`${workload} ${keys}×${valueBytes} B: accounted ${measured.accountedBytes} B, heap ${measured.heapBytes} B, ratio ${ratio.toFixed(3)}`);
    expect(ratio).toBeGreaterThan(1 - TOLERANCE);
    expect(ratio).toBeLessThan(1 + TOLERANCE);
  });
});
