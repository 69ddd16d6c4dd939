/**
 * `npm run bench` end to end on tiny sizes: every suite starts its real servers (Larder from
 * source, bare Fastify, webdis + redis-server), drives them with the real load generators, and the
 * harness prints the table and writes the JSON file. Figures are meaningless at these sizes; the
 * test proves the machinery works from a clean clone, so a full run does not fail after an hour.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BenchReport } from '../../bench/lib/report.js';

const TINY: NodeJS.ProcessEnv = {
  BENCH_QUICK: '1',
  BENCH_RUNS: '1',
  BENCH_DURATION_S: '1',
  BENCH_LARDER_SOURCE: '1',
  // Half of the REST and RESP workloads (each door's JSON/GET side and its latency run), every other suite whole.
  BENCH_FILTER: 'JSON|RESP GET|memory|growth|expiry|eviction',
  BENCH_REST_KEYS: '200',
  BENCH_RESP_REQUESTS: '5000',
  BENCH_MEMORY_KEYS: '5000',
  BENCH_GROWTH_SIZES: '1000,5000',
  BENCH_EXPIRY_KEYS: '5000',
  BENCH_EVICTION_KEYS: '50000',
  BENCH_EVICTION_REQUESTS: '50000',
};

async function runHarness(env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/main.ts'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let [stdout, stderr] = ['', ''];
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('npm run bench, quick, on tiny sizes', () => {
  it('runs every suite against Larder and its references and reports each figure in the table and the JSON file', async () => {
    const { status, stdout, stderr } = await runHarness(TINY);
    expect(status, stderr).toBe(0);
    const resultsPath = /results: (\S+\.json)/.exec(stdout)?.[1];
    expect(resultsPath, stdout).toBeDefined();
    const report = JSON.parse(readFileSync(resultsPath ?? '', 'utf8')) as BenchReport;
    rmSync(resultsPath ?? '', { force: true });
    expect(new Set(report.comparisons.map((row) => row.suite))).toEqual(new Set(['rest', 'resp', 'memory', 'growth', 'expiry', 'eviction']));
    expect(new Set(report.comparisons.map((row) => row.reference.server))).toEqual(new Set(['bare-fastify', 'webdis', 'redis-server']));
    // Every reference figure is a real measurement; Larder's too, except where it refuses a setting (and says so).
    for (const row of report.comparisons) {
      expect(Number.isFinite(row.reference.median), row.figure).toBe(true);
      if (!Number.isFinite(row.larder.median)) expect(report.comparisons.some((other) => other.suite === row.suite && other.note?.includes('refused')), row.figure).toBe(true);
    }
    for (const figure of ['REST GET /keys/:key, JSON (req/s)', 'RESP GET -c 50 -P 16 (req/s)', 'memory: used_memory per key', 'at 50% of peak p99 (ms)', 'growth: GET -P 16 over 5 k keys (req/s)', 'seconds until reclaimed', 'eviction allkeys-lfu: hit rate']) {
      expect(stdout).toContain(figure);
    }
    expect(stdout).toMatch(/>= 0\.9x (met|MISSED)/);
  }, 180_000);
});
