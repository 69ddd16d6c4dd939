import { afterEach, describe, expect, it } from 'vitest';
import { alternate, alternateAll, compareValues, median, sideOf, targetMet, throughputAndEfficiency, type Comparison, type Sample, type Target } from '../../bench/lib/measure.js';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarizeProfiles, topSelfTime, type CpuProfile } from '../../bench/lib/profile.js';
import { renderTable } from '../../bench/lib/report.js';

const sampleOf = (requestsPerS: number, serverCpuS = 1): Sample => ({
  requestsPerS,
  requests: requestsPerS * 10,
  serverCpuS,
  p50LatencyMs: 1,
  p99LatencyMs: 2,
});

describe('median', () => {
  it('takes the middle run of an odd count and the mean of the middle two of an even count', () => {
    expect(median([30, 10, 20])).toBe(20);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('alternate', () => {
  it('swaps which side runs first on every run so drift hits both sides alike', async () => {
    const order: string[] = [];
    const side = (name: string) => async (): Promise<Sample> => {
      order.push(name);
      return sampleOf(1);
    };
    const [a, b] = await alternate(3, side('a'), side('b'));
    expect(order).toEqual(['a', 'b', 'b', 'a', 'a', 'b']);
    expect([a.length, b.length]).toEqual([3, 3]);
  });
});

describe('comparisons and the table', () => {
  const rows = throughputAndEfficiency({
    suite: 'rest',
    figure: 'REST GET',
    names: { larder: 'larder', reference: 'bare-fastify' },
    samples: { larder: [sampleOf(900), sampleOf(700), sampleOf(800, 2)], reference: [sampleOf(1000), sampleOf(1000), sampleOf(1000)] },
    target: { kind: 'ratio-at-least', value: 0.8 },
  });

  it('reports the ratio of medians, and requests per server CPU second without a target', () => {
    const [throughput, efficiency] = rows;
    expect(throughput?.ratio).toBeCloseTo(0.8, 6);
    expect(throughput?.target).toEqual({ kind: 'ratio-at-least', value: 0.8 });
    // Larder's runs: 9000 req / 1 s, 7000 / 1 s, 8000 / 2 s -> median 7000 req per CPU second.
    expect(efficiency?.larder.median).toBe(7000);
    expect(efficiency?.unit).toBe('req/s/core');
    expect(efficiency?.target).toBeUndefined();
  });

  it('prints each figure beside its named reference with the ratio, the run spread and whether the target is met', () => {
    const table = renderTable(rows);
    expect(table).toContain('REST GET (req/s)');
    // Larder's runs 700..900 around a median of 800: a 25% spread.
    expect(table).toMatch(/800\s+1,000 bare-fastify\s+0\.80x\s+25%\s+>= 0\.8x met/);
    const [throughput] = rows;
    if (throughput === undefined) throw new Error('no throughput row');
    expect(renderTable([{ ...throughput, ratio: 0.5 }])).toContain('>= 0.8x MISSED');
    const singleRun = { ...throughput, larder: { ...throughput.larder, values: [800] } };
    expect(renderTable([singleRun])).toMatch(/0\.80x\s+n\/a/);
  });
});

describe('CPU profile summary', () => {
  it('ranks frames by share of busy time, merging nodes of the same function and leaving idle out', () => {
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 } },
        { id: 2, callFrame: { functionName: 'parse', url: 'file:///repo/src/resp/parser.ts', lineNumber: 9 } },
        { id: 3, callFrame: { functionName: 'parse', url: 'file:///repo/src/resp/parser.ts', lineNumber: 9 } },
        { id: 4, callFrame: { functionName: '(garbage collector)', url: '', lineNumber: -1 } },
        { id: 5, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 } },
      ],
      samples: [2, 3, 4, 2, 5, 5],
      timeDeltas: [1000, 1000, 1000, 1000, 3000, 3000],
    };
    const { busyMs, idleMs, top } = topSelfTime(profile, 5, '/repo');
    expect([busyMs, idleMs]).toEqual([4, 6]);
    expect(top[0]).toEqual({ frame: 'parse src/resp/parser.ts:10', selfMs: 3, percent: 75 });
    expect(top[1]?.frame).toBe('(garbage collector)');
  });

  it('groups self time by npm package, our folders, Node internals and V8', () => {
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: { functionName: 'routeHandler', url: 'file:///repo/node_modules/fastify/lib/route.js', lineNumber: 1 } },
        { id: 2, callFrame: { functionName: 'preflight', url: 'file:///repo/node_modules/@fastify/cors/index.js', lineNumber: 1 } },
        { id: 3, callFrame: { functionName: 'lookup', url: 'file:///repo/dist/src/store/keyspace.js', lineNumber: 30 } },
        { id: 4, callFrame: { functionName: 'emit', url: 'node:events', lineNumber: 470 } },
        { id: 5, callFrame: { functionName: 'writev', url: '', lineNumber: -1 } },
      ],
      samples: [1, 2, 3, 4, 5, 5],
      timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000],
    };
    const areas = topSelfTime(profile, 10, '/repo').areas.map((area) => area.frame);
    expect(areas[0]).toBe('native (C++ bindings, syscalls)');
    expect(areas.slice(1).sort()).toEqual(['@fastify/cors', 'dist/src/store', 'fastify', 'node internals']);
  });
});

describe('profile files', () => {
  let directory = '';
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('summarizes each server\'s event-loop thread and ignores worker-thread profiles', () => {
    directory = mkdtempSync(join(tmpdir(), 'bench-profiles-'));
    mkdirSync(join(directory, 'larder'));
    const profile = (functionName: string): string =>
      JSON.stringify({ nodes: [{ id: 1, callFrame: { functionName, url: '', lineNumber: -1 } }], samples: [1], timeDeltas: [5000] });
    writeFileSync(join(directory, 'larder', 'CPU.20260101.120000.4242.0.001.cpuprofile'), profile('serve'));
    writeFileSync(join(directory, 'larder', 'CPU.20260101.120000.4242.1.002.cpuprofile'), profile('loadModule'));
    const summaries = summarizeProfiles('rest', directory);
    expect(summaries.map((summary) => [summary.server, summary.top[0]?.frame])).toEqual([['larder', 'serve']]);
  });
});

describe('targets of every kind', () => {
  const row = (larder: number, reference: number, target: Target): Comparison =>
    compareValues({ suite: 's', figure: 'f', unit: 'ms', larder: sideOf('larder', [larder]), reference: sideOf('ref', [reference]), target });

  it('judges at-least and at-most ratios, absolute bars and percentage-point gaps', () => {
    expect(targetMet(row(90, 100, { kind: 'ratio-at-least', value: 0.9 }))).toBe(true);
    expect(targetMet(row(89, 100, { kind: 'ratio-at-least', value: 0.9 }))).toBe(false);
    expect(targetMet(row(121, 100, { kind: 'ratio-at-most', value: 1.2 }))).toBe(false);
    expect(targetMet(row(9.5, 1, { kind: 'value-at-most', value: 10 }))).toBe(true);
    expect(targetMet(row(70, 72.5, { kind: 'trails-by-at-most', value: 2 }))).toBe(false);
    expect(targetMet(row(75, 72.5, { kind: 'trails-by-at-most', value: 2 }))).toBe(true);
  });

  it('prints n/a rather than a verdict when Larder has no figure, and prints the row note', () => {
    const missing = { ...row(Number.NaN, 100, { kind: 'ratio-at-most', value: 1.2 }), note: 'maxmemory not supported' };
    const table = renderTable([missing]);
    expect(table).toMatch(/f \(ms\)\s+n\/a\s+100\.00 ref\s+n\/a\s+n\/a\s+<= 1\.2x n\/a/);
    expect(table).toContain('\n    maxmemory not supported');
  });
});

describe('alternateAll', () => {
  it('reverses the order of the servers on every other run', async () => {
    const order: string[] = [];
    const side = (name: string) => async (): Promise<Sample> => {
      order.push(name);
      return sampleOf(1);
    };
    await alternateAll(3, [side('a'), side('b'), side('c')]);
    expect(order.join('')).toBe('abccbaabc');
  });
});
