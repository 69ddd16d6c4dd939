import { describe, expect, it } from 'vitest';
import { isSelected, loadBenchConfig } from '../../bench/lib/config.js';
import { parseProcStatCpuSeconds, parseSchedstatCpuSeconds } from '../../bench/lib/processes.js';
import { parseRedisBenchmarkCsv } from '../../bench/lib/redis-benchmark.js';
import { failedRequests, parseWrkResult } from '../../bench/lib/wrk.js';

describe('wrk result line', () => {
  const stdout = [
    'Running 2s test @ http://127.0.0.1:1234',
    '  1 threads and 64 connections',
    'WRK_RESULT {"requests":20000,"durationUs":2000000,"bytes":3000000,"errors":{"connect":0,"read":1,"write":0,"status":3,"timeout":2},"latencyUs":{"p50":900,"p99":4000,"max":9000}}',
    'Requests/sec:  10000.00',
  ].join('\n');

  it('reads the JSON line the Lua done() prints, ignoring wrk prose', () => {
    const result = parseWrkResult(stdout);
    expect(result.requests).toBe(20000);
    expect(result.durationUs).toBe(2_000_000);
    expect(result.latencyUs).toEqual({ p50: 900, p99: 4000, max: 9000 });
  });

  it('counts socket errors, timeouts and non-2xx statuses as failures', () => {
    expect(failedRequests(parseWrkResult(stdout))).toBe(6);
  });

  it('fails loudly when the script printed no result line', () => {
    expect(() => parseWrkResult('Requests/sec: 1\n')).toThrow(/no result line/);
  });
});

describe('redis-benchmark --csv', () => {
  it('reads rps and latency percentiles by column name', () => {
    const csv = [
      '"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"',
      '"SET","25906.73","1.337","0.128","0.671","4.215","6.927","51.295"',
    ].join('\n');
    expect(parseRedisBenchmarkCsv(csv)).toEqual([{ test: 'SET', requestsPerS: 25906.73, p50LatencyMs: 0.671, p99LatencyMs: 6.927 }]);
  });

  it('rejects output without the CSV header (an error message instead of figures)', () => {
    expect(() => parseRedisBenchmarkCsv('Could not connect to Redis at 127.0.0.1:1: Connection refused\n')).toThrow(/no CSV header/);
  });
});

describe('server CPU time from /proc', () => {
  it('adds utime and stime even when the command name holds spaces and parentheses', () => {
    const line = '4242 (node (bench) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 11 0 12345 0 0';
    expect(parseProcStatCpuSeconds(line)).toBeCloseTo(3.0, 6);
  });

  it('reads schedstat nanoseconds on CPU as seconds', () => {
    expect(parseSchedstatCpuSeconds('1500000000 20000 7\n')).toBe(1.5);
  });
});

describe('bench settings', () => {
  const suites = ['rest', 'resp'];

  it('pins servers to core 0 and load generators to core 1 by default on two cores', () => {
    const config = loadBenchConfig({}, suites, 2);
    expect(config).toMatchObject({ pinned: true, serverCpus: '0', loadCpus: '1', runs: 3, suites });
    expect(config.rest).toMatchObject({ durationS: 10, connections: 64 });
  });

  it('runs unpinned on one core and shortens everything in quick mode', () => {
    const config = loadBenchConfig({ BENCH_QUICK: '1' }, suites, 1);
    expect(config.pinned).toBe(false);
    expect(config.serverCpus).toBeUndefined();
    expect(config.rest.durationS).toBeLessThan(10);
  });

  it('selects figures by a case-insensitive substring of their name, all of them by default', () => {
    const config = loadBenchConfig({ BENCH_FILTER: 'get /keys/:key, json' }, suites, 2);
    expect(isSelected(config, 'REST GET /keys/:key, JSON')).toBe(true);
    expect(isSelected(config, 'REST PUT /keys/:key, JSON envelope')).toBe(false);
    expect(isSelected(loadBenchConfig({}, suites, 2), 'RESP SET -c 50 -P 16')).toBe(true);
    const either = loadBenchConfig({ BENCH_FILTER: '-P 16|memory' }, suites, 2);
    expect([isSelected(either, 'RESP SET -c 50 -P 16'), isSelected(either, 'memory: used_memory per key'), isSelected(either, 'RESP SET -c 50 -P 1')]).toEqual([true, true, false]);
  });

  it('names the variable when a setting is invalid', () => {
    expect(() => loadBenchConfig({ BENCH_RUNS: 'three' }, suites, 2)).toThrow(/BENCH_RUNS/);
    expect(() => loadBenchConfig({ BENCH_SUITES: 'rest,nope' }, suites, 2)).toThrow(/unknown BENCH_SUITES nope/);
    expect(() => loadBenchConfig({ BENCH_PIN: '1' }, suites, 1)).toThrow(/needs 2 cores/);
  });
});
