/** Runs redis-benchmark for one test at a time (so server CPU time is per test) and reads its CSV. */
import { runToCompletion } from './processes.js';

export interface RedisBenchmarkOptions {
  port: number;
  /** One redis-benchmark test name, e.g. `set` or `get`. */
  test: string;
  clients: number;
  pipeline: number;
  requests: number;
  /** `-r`: random keys `key:%012d` out of [0, randomKeys) instead of one fixed key. */
  randomKeys?: number;
  /** `-d`: SET value size in bytes (redis-benchmark's default is 3). */
  valueBytes?: number;
  /** CPU list for the load generator; undefined runs unpinned. */
  cpus?: string;
  timeoutMs: number;
}

export interface RedisBenchmarkResult {
  test: string;
  requestsPerS: number;
  p50LatencyMs: number;
  p99LatencyMs: number;
}

function unquote(cell: string): string {
  return cell.replace(/^"|"$/g, '');
}

/** Parses `--csv` output: a header row naming the columns, then one row per test. */
export function parseRedisBenchmarkCsv(csv: string): RedisBenchmarkResult[] {
  const rows = csv.split('\n').map((line) => line.trim()).filter((line) => line.startsWith('"'));
  const [header, ...data] = rows.map((row) => row.split(',').map(unquote));
  if (header === undefined || header[0] !== 'test') throw new Error(`redis-benchmark printed no CSV header:\n${csv}`);
  const column = (name: string): number => {
    const index = header.indexOf(name);
    if (index < 0) throw new Error(`redis-benchmark CSV has no "${name}" column: ${header.join(',')}`);
    return index;
  };
  const [rps, p50, p99] = [column('rps'), column('p50_latency_ms'), column('p99_latency_ms')];
  return data.map((cells) => ({
    test: cells[0] ?? '',
    requestsPerS: Number(cells[rps]),
    p50LatencyMs: Number(cells[p50]),
    p99LatencyMs: Number(cells[p99]),
  }));
}

export async function runRedisBenchmark(options: RedisBenchmarkOptions): Promise<RedisBenchmarkResult> {
  const args = ['-h', '127.0.0.1', '-p', String(options.port), '-c', String(options.clients), '-n', String(options.requests)];
  args.push('-P', String(options.pipeline), '-t', options.test, '--csv');
  if (options.randomKeys !== undefined) args.push('-r', String(options.randomKeys));
  if (options.valueBytes !== undefined) args.push('-d', String(options.valueBytes));
  const stdout = await runToCompletion({ command: 'redis-benchmark', args, cpus: options.cpus }, options.timeoutMs);
  const [result] = parseRedisBenchmarkCsv(stdout);
  if (result === undefined || !(result.requestsPerS > 0)) throw new Error(`redis-benchmark reported no throughput:\n${stdout}`);
  return result;
}
