/** Runs wrk with `bench/wrk/keys.lua` and reads the one JSON line its `done()` prints. */
import { fileURLToPath } from 'node:url';
import { runToCompletion } from './processes.js';

export interface WrkResult {
  requests: number;
  durationUs: number;
  bytes: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  latencyUs: { p50: number; p99: number; max: number };
}

export interface KeysWorkload {
  method: 'GET' | 'PUT';
  /** Keys are `<keyPrefix><1..keyCount>`, pre-populated by the harness. */
  keyPrefix: string;
  keyCount: number;
  body: 'json' | 'raw';
  bodyBytes: number;
  /** Requests go to `<pathPrefix><keyPrefix><n><pathSuffix>`; default `/keys/…` (Larder, bare Fastify). */
  path?: { prefix: string; suffix: string };
}

export interface WrkOptions {
  baseUrl: string;
  workload: KeysWorkload;
  connections: number;
  durationS: number;
  /** CPU list for the load generator; undefined runs unpinned. */
  cpus?: string;
}

const RESULT_MARKER = 'WRK_RESULT ';
const KEYS_SCRIPT = fileURLToPath(new URL('../wrk/keys.lua', import.meta.url));

export function parseWrkResult(stdout: string): WrkResult {
  const line = stdout.split('\n').find((candidate) => candidate.startsWith(RESULT_MARKER));
  if (line === undefined) throw new Error(`wrk printed no result line:\n${stdout}`);
  return JSON.parse(line.slice(RESULT_MARKER.length)) as WrkResult;
}

/** Requests that failed in any way wrk counts (socket errors, timeouts, non-2xx/3xx statuses). */
export function failedRequests(result: WrkResult): number {
  const { connect, read, write, status, timeout } = result.errors;
  return connect + read + write + status + timeout;
}

export async function runWrk(options: WrkOptions): Promise<WrkResult> {
  const { workload } = options;
  const args = [
    '-t1',
    // wrk's default 2 s timeout counts a request as failed; on a loaded shared machine a queued
    // request can take that long without anything being wrong with the server.
    '--timeout',
    '10s',
    `-c${options.connections}`,
    `-d${options.durationS}s`,
    '-s',
    KEYS_SCRIPT,
    options.baseUrl,
    '--',
    workload.method,
    workload.keyPrefix,
    String(workload.keyCount),
    workload.body,
    String(workload.bodyBytes),
    ...(workload.path === undefined ? [] : [workload.path.prefix, workload.path.suffix]),
  ];
  // wrk stops on its own after -d; the timeout only guards against a wedged run.
  const stdout = await runToCompletion({ command: 'wrk', args, cpus: options.cpus }, (options.durationS + 30) * 1000);
  return parseWrkResult(stdout);
}
