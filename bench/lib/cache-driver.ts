/**
 * The cache-aside client of the eviction benchmark: GET each key of a request sequence; on a miss,
 * SET it (as an application fills its cache from the database). GETs go in pipelined batches over
 * one connection; the SETs for a batch's misses lead a following batch. The server's RSS is sampled
 * all along, since a cache that bounds its data but not its process is not bounded.
 */
import { rssBytes } from './processes.js';
import { RespError, type RespClient, type RespReply } from './resp-client.js';

export interface CacheRunResult {
  requests: number;
  hits: number;
  /** SETs answered with Redis's OOM error: the value was not cached (the server had nothing to evict). */
  refusedSets: number;
  hitRatePercent: number;
  peakRssBytes: number;
  elapsedS: number;
}

const BATCH = 2000;
const PIPELINE_DEPTH = 2;
const RSS_SAMPLE_MS = 100;

function encodeKeyCommand(head: string, key: string, tail = ''): string {
  return `${head}$${key.length}\r\n${key}\r\n${tail}`;
}

interface InFlight {
  keys: string[];
  sets: number;
  replies: Promise<RespReply[]>;
}

/** Counts a settled batch: OOM-refused SETs, GET hits; returns the keys that missed. */
function settle(batch: InFlight, replies: readonly RespReply[], tally: { hits: number; refusedSets: number }): string[] {
  for (const reply of replies.slice(0, batch.sets)) {
    if (!(reply instanceof RespError)) continue;
    if (!reply.message.startsWith('OOM ')) throw new Error(`cache-aside SET failed: ${reply.message}`);
    tally.refusedSets++;
  }
  const getReplies = replies.slice(batch.sets);
  const failedGet = getReplies.find((reply) => reply instanceof RespError);
  if (failedGet !== undefined) throw new Error(`cache-aside GET failed: ${String(failedGet)}`);
  const misses = batch.keys.filter((_, index) => getReplies[index] === null);
  tally.hits += batch.keys.length - misses.length;
  return misses;
}

export async function runCacheAside(client: RespClient, options: { serverPid: number; sequence: Int32Array; keyPrefix: string; value: string }): Promise<CacheRunResult> {
  const { sequence, keyPrefix } = options;
  const valuePart = `$${options.value.length}\r\n${options.value}\r\n`;
  let peakRssBytes = rssBytes(options.serverPid);
  const sampler = setInterval(() => (peakRssBytes = Math.max(peakRssBytes, rssBytes(options.serverPid))), RSS_SAMPLE_MS);
  const startedMs = performance.now();
  const tally = { hits: 0, refusedSets: 0 };
  const inFlight: InFlight[] = [];
  let misses: string[] = [];
  try {
    for (let start = 0; start < sequence.length || misses.length > 0 || inFlight.length > 0; ) {
      if (start < sequence.length || misses.length > 0) {
        const keys = Array.from(sequence.subarray(start, Math.min(sequence.length, start + BATCH)), (index) => `${keyPrefix}${index}`);
        const frames = misses.map((key) => encodeKeyCommand('*3\r\n$3\r\nSET\r\n', key, valuePart)).join('') + keys.map((key) => encodeKeyCommand('*2\r\n$3\r\nGET\r\n', key)).join('');
        inFlight.push({ keys, sets: misses.length, replies: client.sendFrames(frames, misses.length + keys.length) });
        [misses, start] = [[], start + keys.length];
      }
      // Two batches in flight keep the server busy while this client encodes the next one; a
      // batch's misses are filled two batches later, a millisecond or so, as a real filler lags.
      const oldest = inFlight.length >= PIPELINE_DEPTH || start >= sequence.length ? inFlight.shift() : undefined;
      if (oldest !== undefined) misses = misses.concat(settle(oldest, await oldest.replies, tally));
    }
  } finally {
    clearInterval(sampler);
  }
  peakRssBytes = Math.max(peakRssBytes, rssBytes(options.serverPid));
  const { hits, refusedSets } = tally;
  return { requests: sequence.length, hits, refusedSets, hitRatePercent: (hits / sequence.length) * 100, peakRssBytes, elapsedS: (performance.now() - startedMs) / 1000 };
}
