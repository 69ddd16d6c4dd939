/**
 * An open-loop load generator at a fixed rate, for latency at a stated load (wrk2's idea; wrk2 is
 * not in Debian). Request i is due at start + i / rate whatever happened before it, and its
 * latency is measured from that due time, not from when it was written: a server that stalls for
 * 50 ms is charged 50 ms for every request that came due meanwhile. A closed-loop tool (wrk,
 * redis-benchmark) stops sending while it waits and so under-reports exactly those stalls
 * ("coordinated omission"). Requests go round-robin over a few kept-alive connections, pipelined
 * when one is still busy, as real clients with a pool do.
 */
import { createConnection, type Socket } from 'node:net';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { parseReply } from './resp-client.js';

/** How replies are delimited on the wire: returns the count of complete replies and failed ones. */
export interface ReplyFramer {
  /** Consumes as many whole replies from `text` (from `offset`) as it can. */
  take(text: string, offset: number): { next: number; ok: boolean } | undefined;
}

export const respFramer: ReplyFramer = {
  take(text, offset) {
    const parsed = parseReply(text, offset);
    return parsed === undefined ? undefined : { next: parsed.next, ok: !(parsed.reply instanceof Error) };
  },
};

/** HTTP/1.1 responses with a Content-Length (Fastify and webdis send one for these bodies). */
export const httpFramer: ReplyFramer = {
  take(text, offset) {
    const headersEnd = text.indexOf('\r\n\r\n', offset);
    if (headersEnd < 0) return undefined;
    const head = text.slice(offset, headersEnd);
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (length === null) throw new Error(`paced client: response without Content-Length: ${head.slice(0, 200)}`);
    const next = headersEnd + 4 + Number(length[1]);
    if (text.length < next) return undefined;
    return { next, ok: head.startsWith('HTTP/1.1 2') };
  },
};

export interface PacedOptions {
  port: number;
  connections: number;
  ratePerS: number;
  durationS: number;
  /** The bytes of request number `index` (latin1). */
  request(index: number): string;
  framer: ReplyFramer;
  /** Stops sending early (the run then covers only the time until the abort). */
  signal?: AbortSignal;
}

export interface PacedResult {
  /** Requests that came due and were sent. */
  sent: number;
  completed: number;
  failed: number;
  /** completed / elapsed: below the asked rate means the server (or this client) fell behind. */
  achievedPerS: number;
  latencyMs: { p50: number; p99: number; p999: number; max: number };
}

interface Lane {
  socket: Socket;
  /** Due times (ms, performance.now()) of requests written and not answered yet, oldest first. */
  dueMs: number[];
  buffered: string;
}

export function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;
}

async function openLane(port: number): Promise<Lane> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.setNoDelay(true);
    socket.once('connect', () => resolve({ socket, dueMs: [], buffered: '' }));
    socket.once('error', reject);
  });
}

export async function runPaced(options: PacedOptions): Promise<PacedResult> {
  const lanes = await Promise.all(Array.from({ length: options.connections }, () => openLane(options.port)));
  const total = Math.floor(options.ratePerS * options.durationS);
  const latenciesMs = new Float64Array(total);
  let [completed, failed] = [0, 0];
  for (const lane of lanes) {
    lane.socket.on('data', (chunk: Buffer) => {
      lane.buffered += chunk.toString('latin1');
      let offset = 0;
      for (let reply = options.framer.take(lane.buffered, offset); reply !== undefined; reply = options.framer.take(lane.buffered, offset)) {
        offset = reply.next;
        latenciesMs[completed++] = performance.now() - (lane.dueMs.shift() ?? Number.NaN);
        if (!reply.ok) failed++;
      }
      lane.buffered = lane.buffered.slice(offset);
    });
  }
  const startMs = performance.now();
  let sent = 0;
  const deadlineMs = startMs + options.durationS * 1000 + 10_000;
  const stopped = (): boolean => options.signal?.aborted === true;
  while (((sent < total && !stopped()) || completed < sent) && performance.now() < deadlineMs) {
    const due = stopped() ? sent : Math.min(total, Math.floor(((performance.now() - startMs) / 1000) * options.ratePerS));
    for (; sent < due; sent++) {
      const lane = lanes[sent % lanes.length] as Lane;
      lane.dueMs.push(startMs + (sent * 1000) / options.ratePerS);
      lane.socket.write(options.request(sent), 'latin1');
    }
    // Yield so replies are read; the loop spins at a microsecond scale, not a timer's millisecond.
    await yieldToLoop();
  }
  const elapsedS = (performance.now() - startMs) / 1000;
  for (const lane of lanes) lane.socket.destroy();
  const sorted = latenciesMs.slice(0, completed).sort();
  return {
    sent,
    completed,
    failed,
    achievedPerS: completed / elapsedS,
    latencyMs: { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), p999: percentile(sorted, 0.999), max: sorted[sorted.length - 1] ?? Number.NaN },
  };
}
