/** The table on stdout and the JSON file in bench/results/ for comparing commits. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import type { BenchConfig } from './config.js';
import { targetMet, type Comparison, type SideFigures, type Target } from './measure.js';
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
  /** Suites that stopped with an error; their rows are missing from `comparisons`. */
  failures: SuiteFailure[];
}

export interface SuiteFailure {
  suite: string;
  message: string;
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
      // `webdis --version` would start a server: ask the package manager instead.
      webdis: firstLine('dpkg-query', ['-W', '-f', '${Version}', 'webdis']),
    },
  };
}

/** `abc1234` or `abc1234-dirty`: which code the figures belong to. */
export function gitCommit(): string {
  const commit = firstLine('git', ['rev-parse', '--short', 'HEAD']);
  const dirty = firstLine('git', ['status', '--porcelain', '--untracked-files=no']) !== '';
  return dirty ? `${commit}-dirty` : commit;
}

/** Figures print with the precision their unit deserves: whole requests and bytes, hundredths of a millisecond. */
const DECIMALS_BY_UNIT: Record<string, number> = { ms: 2, s: 2, '%': 1, MiB: 1, x: 2 };

export function formatFigure(value: number, unit: string): string {
  if (!Number.isFinite(value)) return 'n/a';
  const decimals = DECIMALS_BY_UNIT[unit] ?? 0;
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

function describeTarget(target: Target, unit: string): string {
  switch (target.kind) {
    case 'ratio-at-least':
      return `>= ${target.value.toFixed(1)}x`;
    case 'ratio-at-most':
      return `<= ${target.value.toFixed(1)}x`;
    case 'value-at-most':
      return `<= ${formatFigure(target.value, unit)} ${unit}`;
    case 'trails-by-at-most':
      return `within ${target.value} pt`;
  }
}

function verdict(row: Comparison): string {
  if (row.target === undefined) return '';
  const met = targetMet(row);
  return `${describeTarget(row.target, row.unit)} ${met === undefined ? 'n/a' : met ? 'met' : 'MISSED'}`;
}

/** (max - min) / median of one side's runs, the larger of the two sides: how much to trust a ratio. NaN for one run. */
export function runSpread(row: Comparison): number {
  if (row.larder.values.length < 2 || row.reference.values.length < 2) return Number.NaN;
  const spread = (side: SideFigures): number => (Math.max(...side.values) - Math.min(...side.values)) / Math.abs(side.median);
  return Math.max(spread(row.larder), spread(row.reference));
}

/** Fixed-width table: figure, Larder, reference (named), ratio, run-to-run spread, target and whether it is met. */
export function renderTable(rows: readonly Comparison[]): string {
  const header = ['figure', 'Larder', 'reference', 'ratio', 'spread', 'target'];
  const cellsOf = (row: Comparison): string[] => [
    `${row.figure} (${row.unit})`,
    formatFigure(row.larder.median, row.unit),
    `${formatFigure(row.reference.median, row.unit)} ${row.reference.server}`,
    Number.isFinite(row.ratio) ? `${row.ratio.toFixed(2)}x` : 'n/a',
    Number.isFinite(runSpread(row)) ? `${Math.round(runSpread(row) * 100)}%` : 'n/a',
    verdict(row),
  ];
  const body = rows.map(cellsOf);
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((cells) => (cells[column] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((cell, column) => (column === 0 || column === 5 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ').trimEnd();
  const lines = [line(header), line(widths.map((width) => '-'.repeat(width)))];
  rows.forEach((row, index) => {
    lines.push(line(body[index] ?? []));
    if (row.note !== undefined) lines.push(`    ${row.note}`);
  });
  return lines.join('\n');
}

/** Writes `bench/results/<timestamp>.json` and returns its path. */
export function writeReport(report: BenchReport, directory = 'bench/results'): string {
  mkdirSync(directory, { recursive: true });
  const path = join(directory, `${report.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}
