/**
 * Active expiry: N keys (1 M in a full run) that all expire at the same millisecond (SET … PXAT),
 * on a server that also holds 10,000 live keys. From that instant, DBSIZE is polled every 100 ms
 * until only the live keys are left (Redis and Larder both count an expired key until it is
 * reclaimed), while an open-loop client GETs live keys at a fixed rate and records its latency:
 * reclaiming must neither take long nor stall the clients that are still being served.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isSelected } from '../lib/config.js';
import { alternateAll, compareValues, sideOf, type Comparison } from '../lib/measure.js';
import { respFramer, runPaced, type PacedResult } from '../lib/paced.js';
import { encodeCommand, loadKeys, RespClient } from '../lib/resp-client.js';
import { startLarder, startRedis, type ServerHandle, type StartOptions } from '../servers/catalog.js';
import type { Suite, SuiteContext } from './types.js';

const LIVE_KEYS = 10_000;
const VALUE = 'v'.repeat(100);
const POLL_MS = 100;
const RECLAIM_TIMEOUT_MS = 60_000;
/** Load rate is measured on a first batch; the shared expiry instant leaves this much headroom. */
const LOAD_HEADROOM = 2;
const PROBE_KEYS = 20_000;
const WARMUP_MS = 500;

/** One expiry run on one fresh server. */
interface ExpiryRun {
  reclaimS: number;
  readP99Ms: number;
}

/** How fast this server takes SETs: a throw-away batch, timed, then flushed. */
async function loadRatePerMs(client: RespClient): Promise<number> {
  const startedMs = performance.now();
  await loadKeys(client, { prefix: 'probe:', from: 0, to: PROBE_KEYS, value: VALUE });
  const rate = PROBE_KEYS / (performance.now() - startedMs);
  await client.call('FLUSHALL');
  return rate;
}

/** Polls DBSIZE until only the live keys remain; resolves with the ms it took from `fromMs`. */
async function awaitReclaimed(client: RespClient, fromMs: number): Promise<number> {
  while (Date.now() - fromMs < RECLAIM_TIMEOUT_MS) {
    if (Number(await client.call('DBSIZE')) <= LIVE_KEYS) return Date.now() - fromMs;
    await sleep(POLL_MS);
  }
  throw new Error(`expired keys not reclaimed within ${RECLAIM_TIMEOUT_MS} ms`);
}

/** One run; if loading outran the expiry instant (a GC-heavy load), once more with twice the headroom. */
async function sampleOnce(context: SuiteContext, start: () => Promise<ServerHandle>): Promise<ExpiryRun> {
  try {
    return await sampleWithHeadroom(context, start, LOAD_HEADROOM);
  } catch (error) {
    if (!(error instanceof LoadTooSlow)) throw error;
    context.log(`  ${error.message}; again with twice the headroom`);
    return sampleWithHeadroom(context, start, LOAD_HEADROOM * 2);
  }
}

class LoadTooSlow extends Error {}

async function sampleWithHeadroom(context: SuiteContext, start: () => Promise<ServerHandle>, headroom: number): Promise<ExpiryRun> {
  const { keyCount, readsPerS } = context.config.expiry;
  const server = await start();
  const client = await RespClient.connect(server.respPort ?? 0);
  try {
    const ratePerMs = await loadRatePerMs(client);
    await loadKeys(client, { prefix: 'live:', from: 0, to: LIVE_KEYS, value: VALUE });
    const expireAtMs = Date.now() + Math.ceil((keyCount / ratePerMs) * headroom) + WARMUP_MS + 500;
    await loadKeys(client, { prefix: 'exp:', from: 0, to: keyCount, value: VALUE, extraArgs: ['PXAT', String(expireAtMs)] });
    const pending = Number(await client.call('DBSIZE')) - LIVE_KEYS;
    if (Date.now() >= expireAtMs || pending < keyCount) throw new LoadTooSlow(`${server.name}: loading outran the expiry instant (${pending} of ${keyCount} keys pending)`);
    const reads = (durationS: number, signal?: AbortSignal): Promise<PacedResult> =>
      runPaced({ port: server.respPort ?? 0, connections: 10, ratePerS: readsPerS, durationS, framer: respFramer, ...(signal === undefined ? {} : { signal }), request: (index) => encodeCommand(['GET', `live:${(index * 7919) % LIVE_KEYS}`]) });
    // Warm the reading client's code (JIT) while there is time, so the measured window is the server's.
    if (expireAtMs - Date.now() > WARMUP_MS + 300) await reads(WARMUP_MS / 1000);
    await sleep(expireAtMs - Date.now());
    const stopReads = new AbortController();
    const measured = reads(RECLAIM_TIMEOUT_MS / 1000, stopReads.signal);
    const reclaimMs = await awaitReclaimed(client, expireAtMs).finally(() => stopReads.abort());
    const { latencyMs, completed } = await measured;
    context.log(`  ${server.name.padEnd(14)} ${keyCount} keys reclaimed in ${(reclaimMs / 1000).toFixed(2)} s; GET p99 ${latencyMs.p99.toFixed(2)} ms, max ${latencyMs.max.toFixed(2)} ms over ${completed} reads`);
    return { reclaimS: reclaimMs / 1000, readP99Ms: latencyMs.p99 };
  } finally {
    client.close();
    await server.stop();
  }
}

export const expirySuite: Suite = {
  name: 'expiry',
  async run(context) {
    const { config } = context;
    const label = `${config.expiry.keyCount.toLocaleString('en-US')} keys expiring at once`;
    const figure = `expiry: ${label}, seconds until reclaimed`;
    if (!isSelected(config, figure)) return [];
    context.log(`${figure}: ${config.runs} run(s) per server, reads at ${config.expiry.readsPerS} req/s meanwhile`);
    const options: StartOptions = { cpus: config.serverCpus };
    const [larderRuns = [], redisRuns = []] = await alternateAll<ExpiryRun>(config.runs, [
      () => sampleOnce(context, () => startLarder({ ...options, cpuProfileDir: context.cpuProfileDir('expiry', 'larder') })),
      () => sampleOnce(context, () => startRedis(options)),
    ]);
    const row = (name: string, unit: string, pick: (run: ExpiryRun) => number, target: Comparison['target']): Comparison =>
      compareValues({ suite: 'expiry', figure: name, unit, larder: sideOf('larder', larderRuns.map(pick)), reference: sideOf('redis-server', redisRuns.map(pick)), target });
    const rows: Comparison[] = [
      row(figure, 's', (run) => run.reclaimS, { kind: 'value-at-most', value: 5 }),
      {
        ...row(`expiry: GET p99 while ${label} are reclaimed`, 'ms', (run) => run.readP99Ms, { kind: 'value-at-most', value: 10 }),
        note: `open loop, ${config.expiry.readsPerS} GET/s on ${LIVE_KEYS} live keys from the expiry instant until DBSIZE is back to them`,
      },
    ];
    return rows;
  },
};
