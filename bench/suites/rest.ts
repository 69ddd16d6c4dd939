/**
 * REST `GET` and `PUT /keys/:key` on Larder against a bare Fastify route over a Map (the framework
 * limit) and against webdis + redis-server (Redis behind an HTTP shim): wrk -t1 -c64, keys
 * pre-populated, JSON and raw variants, ~100-byte bodies. webdis's forms of the same requests:
 * `GET /GET/<key>.json` ({"GET":"…"}), `GET /GET/<key>.txt` (the bytes), `PUT /SET/<key>` (body = value).
 */
import { Agent, request as httpRequest } from 'node:http';
import { isSelected } from '../lib/config.js';
import { alternateAll, throughputAndEfficiency, withServerCpu, type Comparison, type Sample, type Target } from '../lib/measure.js';
import { LATENCY_LOAD_FRACTION, latencyAtRate, type PacedTarget } from '../lib/latency.js';
import { httpFramer } from '../lib/paced.js';
import { loadKeys, RespClient } from '../lib/resp-client.js';
import { failedRequests, runWrk, type KeysWorkload, type WrkResult } from '../lib/wrk.js';
import { startBareFastify, startLarder, startWebdis, type ServerHandle } from '../servers/catalog.js';
import type { Suite, SuiteContext } from './types.js';

interface RestWorkload {
  figure: string;
  method: KeysWorkload['method'];
  body: KeysWorkload['body'];
  /** The same request in webdis's URL form. */
  webdisPath: NonNullable<KeysWorkload['path']>;
}

const WORKLOADS: readonly RestWorkload[] = [
  { figure: 'REST GET /keys/:key, JSON', method: 'GET', body: 'json', webdisPath: { prefix: '/GET/', suffix: '.json' } },
  { figure: 'REST GET /keys/:key, raw', method: 'GET', body: 'raw', webdisPath: { prefix: '/GET/', suffix: '.txt' } },
  { figure: 'REST PUT /keys/:key, JSON envelope', method: 'PUT', body: 'json', webdisPath: { prefix: '/SET/', suffix: '' } },
  { figure: 'REST PUT /keys/:key, raw body', method: 'PUT', body: 'raw', webdisPath: { prefix: '/SET/', suffix: '' } },
];

/** Issue 6: at least 0.9x the bare Fastify route and at least webdis + redis-server. */
const TARGET_VS_BARE: Target = { kind: 'ratio-at-least', value: 0.9 };
const TARGET_VS_WEBDIS: Target = { kind: 'ratio-at-least', value: 1.0 };
const POPULATE_CONCURRENCY = 32;

const keyPrefix = (body: KeysWorkload['body']): string => `bench:${body}:`;

/** The same bodies the wrk script sends, so GETs read what PUTs write. */
function bodyFor(kind: KeysWorkload['body'], bodyBytes: number): { contentType: string; body: string } {
  if (kind === 'raw') return { contentType: 'application/octet-stream', body: 'r'.repeat(bodyBytes) };
  return { contentType: 'application/json', body: `{"value":"${'j'.repeat(bodyBytes - '{"value":""}'.length)}"}` };
}

/** One PUT over a kept-alive connection (node:http: several times faster than fetch for this). */
async function put(agent: Agent, url: URL, contentType: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'PUT', agent, headers: { 'content-type': contentType, 'content-length': Buffer.byteLength(body) } }, (response) => {
      response.resume();
      response.once('end', () => ((response.statusCode ?? 0) < 300 ? resolve() : reject(new Error(`populating ${url.host}: PUT answered ${response.statusCode}`))));
    });
    request.once('error', reject);
    request.end(body);
  });
}

/** webdis's keys live in its redis-server: the same values, loaded over RESP. */
async function populateWebdis(webdis: ServerHandle, keyCount: number, bodyBytes: number): Promise<void> {
  const client = await RespClient.connect(webdis.respPort ?? 0);
  try {
    for (const kind of ['json', 'raw'] as const) {
      const { contentType, body } = bodyFor(kind, bodyBytes);
      const value = contentType === 'application/json' ? (JSON.parse(body) as { value: string }).value : body;
      await loadKeys(client, { prefix: keyPrefix(kind), from: 1, to: keyCount + 1, value });
    }
  } finally {
    client.close();
  }
}

/** PUTs keys 1..keyCount of both kinds, a few dozen requests in flight. */
async function populate(baseUrl: string, keyCount: number, bodyBytes: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: POPULATE_CONCURRENCY });
  try {
    for (const kind of ['json', 'raw'] as const) {
      const { contentType, body } = bodyFor(kind, bodyBytes);
      let nextKey = 1;
      const worker = async (): Promise<void> => {
        for (let key = nextKey++; key <= keyCount; key = nextKey++) await put(agent, new URL(`/keys/${keyPrefix(kind)}${key}`, baseUrl), contentType, body);
      };
      await Promise.all(Array.from({ length: POPULATE_CONCURRENCY }, worker));
    }
  } finally {
    agent.destroy();
  }
}

function toSample(result: WrkResult, serverCpuS: number): Sample {
  return {
    requestsPerS: result.requests / (result.durationUs / 1e6),
    requests: result.requests,
    serverCpuS,
    p50LatencyMs: result.latencyUs.p50 / 1000,
    p99LatencyMs: result.latencyUs.p99 / 1000,
  };
}

async function sample(context: SuiteContext, server: ServerHandle, workload: KeysWorkload, durationS: number): Promise<Sample> {
  const { config } = context;
  const { result, serverCpuS } = await withServerCpu(server.cpuPids, () =>
    runWrk({ baseUrl: server.httpUrl ?? '', workload, connections: config.rest.connections, durationS, cpus: config.loadCpus }),
  );
  // A run with failed requests measured something else (404s, resets): refuse to report it.
  if (failedRequests(result) > 0) throw new Error(`${server.name}: wrk ${workload.method} saw failures ${JSON.stringify(result.errors)}`);
  const measured = toSample(result, serverCpuS);
  context.log(`  ${server.name.padEnd(14)} ${Math.round(measured.requestsPerS)} req/s, p99 ${measured.p99LatencyMs.toFixed(2)} ms`);
  return measured;
}

interface RestServers {
  larder: ServerHandle;
  bare: ServerHandle;
  webdis: ServerHandle;
}

async function measureWorkload(context: SuiteContext, servers: RestServers, spec: RestWorkload): Promise<Comparison[]> {
  const { rest, runs } = context.config;
  const workload: KeysWorkload = { method: spec.method, keyPrefix: keyPrefix(spec.body), keyCount: rest.keyCount, body: spec.body, bodyBytes: rest.bodyBytes };
  const workloadOf = (server: ServerHandle): KeysWorkload => (server === servers.webdis ? { ...workload, path: spec.webdisPath } : workload);
  const order = [servers.larder, servers.bare, servers.webdis];
  context.log(`${spec.figure}: warm-up ${rest.warmupS}s each, then ${runs} x ${rest.durationS}s alternating`);
  for (const server of order) await sample(context, server, workloadOf(server), rest.warmupS);
  const [larderSamples = [], bareSamples = [], webdisSamples = []] = await alternateAll(
    runs,
    order.map((server) => () => sample(context, server, workloadOf(server), rest.durationS)),
  );
  const against = (reference: ServerHandle, samples: Sample[], target: Target): Comparison[] =>
    throughputAndEfficiency({ suite: 'rest', figure: spec.figure, names: { larder: servers.larder.name, reference: reference.name }, samples: { larder: larderSamples, reference: samples }, target });
  return [...against(servers.bare, bareSamples, TARGET_VS_BARE), ...against(servers.webdis, webdisSamples, TARGET_VS_WEBDIS)];
}

const LATENCY_FIGURE = 'REST GET /keys/:key, JSON at 50% of peak';

/** p50 / p99 of the JSON GET at half of Larder's peak (the figure just measured, or one short run now). */
async function measureLatency(context: SuiteContext, servers: RestServers, rows: readonly Comparison[]): Promise<Comparison[]> {
  const { rest } = context.config;
  const spec = WORKLOADS[0] as RestWorkload;
  const measured = rows.find((row) => row.figure === spec.figure && row.unit === 'req/s');
  const workload: KeysWorkload = { method: 'GET', keyPrefix: keyPrefix('json'), keyCount: rest.keyCount, body: 'json', bodyBytes: rest.bodyBytes };
  const peakPerS = measured?.larder.median ?? (await sample(context, servers.larder, workload, rest.durationS)).requestsPerS;
  const target = (server: ServerHandle, prefix: string, suffix: string): PacedTarget => ({
    server,
    port: Number(new URL(server.httpUrl ?? '').port),
    framer: httpFramer,
    request: (index) => `GET ${prefix}${keyPrefix('json')}${(index * 7919) % rest.keyCount + 1}${suffix} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
  });
  const targets = [target(servers.larder, '/keys/', ''), target(servers.bare, '/keys/', ''), target(servers.webdis, spec.webdisPath.prefix, spec.webdisPath.suffix)];
  return latencyAtRate(context, { suite: 'rest', figure: LATENCY_FIGURE, ratePerS: peakPerS * LATENCY_LOAD_FRACTION, connections: rest.connections, targets });
}

export const restSuite: Suite = {
  name: 'rest',
  async run(context) {
    const { config } = context;
    const workloads = WORKLOADS.filter((spec) => isSelected(config, spec.figure));
    const withLatency = isSelected(config, LATENCY_FIGURE);
    if (workloads.length === 0 && !withLatency) return [];
    const servers: ServerHandle[] = [];
    try {
      const larder = await startLarder({ cpus: config.serverCpus, cpuProfileDir: context.cpuProfileDir('rest', 'larder') });
      servers.push(larder);
      const bare = await startBareFastify({ cpus: config.serverCpus, cpuProfileDir: context.cpuProfileDir('rest', 'bare-fastify') });
      servers.push(bare);
      const webdis = await startWebdis({ cpus: config.serverCpus });
      servers.push(webdis);
      const { keyCount, bodyBytes } = config.rest;
      context.log(`rest: populating ${keyCount} JSON + ${keyCount} raw keys on each server`);
      await Promise.all([populate(larder.httpUrl ?? '', keyCount, bodyBytes), populate(bare.httpUrl ?? '', keyCount, bodyBytes), populateWebdis(webdis, keyCount, bodyBytes)]);
      const rows: Comparison[] = [];
      for (const spec of workloads) rows.push(...(await measureWorkload(context, { larder, bare, webdis }, spec)));
      if (withLatency) rows.push(...(await measureLatency(context, { larder, bare, webdis }, rows)));
      return rows;
    } finally {
      for (const server of servers.reverse()) await server.stop();
    }
  },
};
