/** The table on stdout and the JSON file in bench/results/ for comparing commits. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import type { BenchConfig } from './config.js';
import type { Comparison, SideFigures } from './measure.js';
import type { ProfileSummary } from './profile.js';

export interface MachineFacts {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  arch: string;
  node: string;
  /** Load averages (1, 5, 15 min) when the run started: a busy shared machine shows here. */
  loadAverage: number[];
  tools: Record<string, string>;
}

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  commit: string;
  mode: 'pinned' | 'unpinned';
  machine: MachineFacts;
  config: BenchConfig;
  comparisons: Comparison[];
  profiles: ProfileSummary[];
}

function firstLine(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0]?.trim() ?? '';
  } catch (error) {
    // wrk prints its version on stdout and exits 1 when given no URL.
    const stdout = (error as { stdout?: string }).stdout ?? '';
    return stdout.split('\n')[0]?.trim() || 'unavailable';
  }
}

export function machineFacts(): MachineFacts {
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    arch: arch(),
    node: process.version,
    loadAverage: loadavg().map((value) => Math.round(value * 100) / 100),
    tools: {
      'redis-server': firstLine('redis-server', ['--version']),
      'redis-benchmark': firstLine('redis-benchmark', ['--version']),
      wrk: firstLine('wrk', ['--version']),
    },
  };
}

/** `abc1234` or `abc1234-dirty`: which code the figures belong to. */
export function gitCommit(): string {
  const commit = firstLine('git', ['rev-parse', '--short', 'HEAD']);
  const dirty = firstLine('git', ['status', '--porcelain', '--untracked-files=no']) !== '';
  return dirty ? `${commit}-dirty` : commit;
}

const formatRate = (value: number): string => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a');

function verdict(row: Comparison): string {
  if (row.target === undefined) return '';
  return `>= ${row.target.toFixed(1)}x ${row.ratio >= row.target ? 'met' : 'MISSED'}`;
}

/** (max - min) / median of one side's runs, the larger of the two sides: how much to trust a ratio. NaN for one run. */
export function runSpread(row: Comparison): number {
  if (row.larder.values.length < 2 || row.reference.values.length < 2) return Number.NaN;
  const spread = (side: SideFigures): number => (Math.max(...side.values) - Math.min(...side.values)) / side.median;
  return Math.max(spread(row.larder), spread(row.reference));
}

/** Fixed-width table: figure, Larder, reference (named), ratio, run-to-run spread, target. */
export function renderTable(rows: readonly Comparison[]): string {
  const header = ['figure', 'Larder', 'reference', 'ratio', 'spread', 'target'];
  const body = rows.map((row) => [
    `${row.figure} (${row.unit})`,
    formatRate(row.larder.median),
    `${formatRate(row.reference.median)} ${row.reference.server}`,
    `${row.ratio.toFixed(2)}x`,
    Number.isFinite(runSpread(row)) ? `${Math.round(runSpread(row) * 100)}%` : 'n/a',
    verdict(row),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((cells) => (cells[column] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((cell, column) => (column === 0 || column === 5 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ').trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...body.map(line)].join('\n');
}

/** Writes `bench/results/<timestamp>.json` and returns its path. */
export function writeReport(report: BenchReport, directory = 'bench/results'): string {
  mkdirSync(directory, { recursive: true });
  const path = join(directory, `${report.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}
