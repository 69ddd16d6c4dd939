/**
 * Benchmark settings from the environment. Defaults are the figures (wrk -t1 -c64 -d10s,
 * three runs, redis-benchmark -c 50, 1 M keys for memory and expiry, 10 k -> 10 M keys for growth,
 * 10 M Zipf requests over 2 M keys for eviction); BENCH_QUICK=1 trades precision for a short run.
 *
 *   BENCH_QUICK=1            short runs and small key counts (a few minutes in all)
 *   BENCH_PIN=0|1            pin servers to core 0 and load generators to core 1 (default: 1 with 2+ cores)
 *   BENCH_SUITES=rest,resp   which suites run (default: all)
 *   BENCH_FILTER=<text>      only the figures whose name contains <text>, or one of <a>|<b>|… (e.g. "GET /keys/:key, JSON", "-P 16|memory")
 *   BENCH_RUNS=<n>           runs per workload and server (median reported)
 *   BENCH_DURATION_S=<s>     wrk and paced-latency duration per run
 *   BENCH_PROFILE=1          run the Node servers under `node --cpu-prof` and print their top self-time functions
 *   BENCH_REST_KEYS, BENCH_RESP_REQUESTS, BENCH_MEMORY_KEYS, BENCH_GROWTH_SIZES (comma list),
 *   BENCH_EXPIRY_KEYS, BENCH_EVICTION_KEYS, BENCH_EVICTION_REQUESTS   sizes, to shorten a run
 */
import { availableParallelism } from 'node:os';

export interface BenchConfig {
  quick: boolean;
  pinned: boolean;
  /** `taskset -c` lists; undefined when unpinned. */
  serverCpus?: string;
  loadCpus?: string;
  suites: string[];
  /** Case-insensitive substring a figure's name must contain to run; '' runs all. */
  filter: string;
  runs: number;
  cpuProfile: boolean;
  rest: { durationS: number; warmupS: number; connections: number; keyCount: number; bodyBytes: number };
  resp: { clients: number; pipelines: number[]; requestsPerPipeline: Record<number, number>; warmupRequests: number };
  memory: { keyCount: number };
  /** Open-loop runs at half of Larder's peak (REST GET JSON, RESP GET -P 1). */
  latency: { durationS: number };
  /** Keyspace sizes the growth suite steps through, requests per redis-benchmark run, Larder's heap. */
  growth: { sizes: number[]; requests: number; larderHeapMiB: number };
  /** Keys that expire at one instant, and the GET rate another client keeps up meanwhile. */
  expiry: { keyCount: number; readsPerS: number };
  /** Zipf cache-aside workload: keys in the universe, requests replayed to each server. */
  eviction: { keys: number; requests: number };
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw !== '0' && raw !== '1') throw new Error(`${name} must be 0 or 1, got "${raw}"`);
  return raw === '1';
}

export function loadBenchConfig(env: NodeJS.ProcessEnv, knownSuites: readonly string[], cores = availableParallelism()): BenchConfig {
  const quick = flag(env, 'BENCH_QUICK', false);
  const pinned = flag(env, 'BENCH_PIN', cores >= 2);
  if (pinned && cores < 2) throw new Error(`BENCH_PIN=1 needs 2 cores, this machine has ${cores}`);
  const suites = (env.BENCH_SUITES ?? knownSuites.join(',')).split(',').filter((name) => name !== '');
  const unknown = suites.filter((name) => !knownSuites.includes(name));
  if (unknown.length > 0) throw new Error(`unknown BENCH_SUITES ${unknown.join(',')} (known: ${knownSuites.join(',')})`);
  const respRequests = env.BENCH_RESP_REQUESTS === undefined ? undefined : positiveInteger(env, 'BENCH_RESP_REQUESTS', 1);
  return {
    quick,
    pinned,
    ...(pinned ? { serverCpus: '0', loadCpus: '1' } : {}),
    suites,
    filter: env.BENCH_FILTER ?? '',
    runs: positiveInteger(env, 'BENCH_RUNS', quick ? 1 : 3),
    cpuProfile: flag(env, 'BENCH_PROFILE', false),
    rest: {
      durationS: positiveInteger(env, 'BENCH_DURATION_S', quick ? 4 : 10),
      warmupS: 1,
      connections: 64,
      keyCount: positiveInteger(env, 'BENCH_REST_KEYS', quick ? 2_000 : 10_000),
      bodyBytes: 100,
    },
    resp: {
      clients: 50,
      pipelines: [1, 16],
      // Sized for 1-3 s per run at these machines' rates (-P 16 runs ~10x faster), so that a full
      // run, dominated by wrk's 4 workloads x 2 servers x 3 runs x 10 s, stays near 5 minutes.
      requestsPerPipeline: respRequests === undefined ? (quick ? { 1: 40_000, 16: 200_000 } : { 1: 60_000, 16: 400_000 }) : { 1: respRequests, 16: respRequests },
      warmupRequests: respRequests === undefined ? 20_000 : Math.ceil(respRequests / 2),
    },
    latency: { durationS: positiveInteger(env, 'BENCH_DURATION_S', quick ? 2 : 10) },
    growth: {
      sizes: (env.BENCH_GROWTH_SIZES ?? (quick ? '1000,10000' : '10000,100000,1000000,10000000')).split(',').map(Number),
      requests: quick ? 50_000 : 400_000,
      larderHeapMiB: 8192,
    },
    expiry: { keyCount: positiveInteger(env, 'BENCH_EXPIRY_KEYS', quick ? 20_000 : 1_000_000), readsPerS: 2000 },
    eviction: {
      // Quick mode keeps maxmemory (25% of the keys' bytes, ~45 MB) above what an empty server
      // already uses (redis-server ~1 MB, Larder's heap ~21 MB), so eviction has data to work on.
      keys: positiveInteger(env, 'BENCH_EVICTION_KEYS', quick ? 1_000_000 : 2_000_000),
      requests: positiveInteger(env, 'BENCH_EVICTION_REQUESTS', quick ? 2_000_000 : 10_000_000),
    },
    memory: { keyCount: positiveInteger(env, 'BENCH_MEMORY_KEYS', quick ? 20_000 : 1_000_000) },
  };
}

/** Whether BENCH_FILTER lets the figure named `figure` run: it contains one of the `|`-separated texts. */
export function isSelected(config: Pick<BenchConfig, 'filter'>, figure: string): boolean {
  return config.filter.split('|').some((text) => figure.toLowerCase().includes(text.toLowerCase()));
}
