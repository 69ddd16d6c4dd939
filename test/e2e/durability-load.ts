import { ConnectionLost, RespConnection, RespError, type RespValue } from './durability-resp.js';
import type { WriteLedger } from './durability-ledger.js';

export interface LoadTarget {
  respPort: number;
  httpUrl: string;
}

export interface LoadShape {
  /** Concurrent RESP connections, each alternating SET of a unique key and INCR of a shared counter. */
  respClients: number;
  /** Concurrent REST streams, each PUTting unique keys (text/plain bodies). */
  restStreams: number;
  /** Makes this load's key names unique across cycles. */
  tag: string;
}

export interface LoadResult {
  /** Writes acknowledged during this load (SET +OK, INCR :n, PUT 2xx). */
  acknowledged: number;
  /** Error replies by text (a refused write is not acknowledged; the ledger never counts it). */
  refusals: Map<string, number>;
}

export interface RunningLoad {
  /** Lets every writer finish the write in flight, then resolves; also resolves once the server dies. */
  stop(): Promise<LoadResult>;
  /** Resolves when every writer ended (server killed: connections lost). */
  ended: Promise<LoadResult>;
}

interface LoadState {
  stopping: boolean;
  result: LoadResult;
}

/** A writer whose write was refused pauses this long: refusals are instant, and a tight loop of them would starve the server. */
const REFUSAL_PAUSE_MS = 20;

async function refused(state: LoadState, text: string): Promise<void> {
  state.result.refusals.set(text, (state.result.refusals.get(text) ?? 0) + 1);
  await new Promise((resolve) => setTimeout(resolve, REFUSAL_PAUSE_MS));
}

function describeReply(reply: RespValue): string {
  return reply instanceof RespError ? reply.message : `unexpected reply ${JSON.stringify(reply)}`;
}

/** One write, recorded in the ledger before it is sent. ConnectionLost propagates (the writer ends). */
async function respWrite(ledger: WriteLedger, connection: RespConnection, state: LoadState, key: string, counter: string, sequence: number): Promise<void> {
  if (sequence % 2 === 0) {
    const write = ledger.keyIssued(key);
    const reply = await connection.call('SET', key, write.value);
    if (reply !== 'OK') return await refused(state, describeReply(reply));
    write.ackedAtMs = Date.now();
  } else {
    ledger.counterIssued(counter);
    const reply = await connection.call('INCR', counter);
    if (typeof reply !== 'number') return await refused(state, describeReply(reply));
    ledger.counterAcknowledged(counter, reply);
  }
  state.result.acknowledged += 1;
}

async function respWriter(ledger: WriteLedger, target: LoadTarget, state: LoadState, prefix: string): Promise<void> {
  let connection: RespConnection;
  try {
    connection = await RespConnection.open(target.respPort);
  } catch {
    return; // killed before this writer connected: nothing sent, nothing to account for
  }
  const counters = ledger.counterNames;
  try {
    for (let sequence = 0; !state.stopping; sequence++) {
      const counter = counters[sequence % counters.length] ?? 'counter';
      await respWrite(ledger, connection, state, `${prefix}:${sequence}`, counter, sequence);
    }
  } catch (error) {
    if (!(error instanceof ConnectionLost)) throw error;
  } finally {
    connection.close();
  }
}

async function restWriter(ledger: WriteLedger, target: LoadTarget, state: LoadState, prefix: string): Promise<void> {
  for (let sequence = 0; !state.stopping; sequence++) {
    const key = `${prefix}:${sequence}`;
    const write = ledger.keyIssued(key);
    let response: Response;
    try {
      response = await fetch(`${target.httpUrl}/keys/${encodeURIComponent(key)}`, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: write.value });
    } catch {
      return; // the server died mid-request: this write stays unacknowledged
    }
    const body = await response.text().catch(() => '');
    if (response.ok) {
      write.ackedAtMs = Date.now();
      state.result.acknowledged += 1;
    } else {
      await refused(state, `HTTP ${response.status} ${body.slice(0, 200)}`);
    }
  }
}

/** Starts the writers; every write goes through the ledger before it is sent. */
export function startWriteLoad(ledger: WriteLedger, target: LoadTarget, shape: LoadShape): RunningLoad {
  const state: LoadState = { stopping: false, result: { acknowledged: 0, refusals: new Map() } };
  const writers: Array<Promise<void>> = [];
  for (let client = 0; client < shape.respClients; client++) writers.push(respWriter(ledger, target, state, `resp:${shape.tag}:${client}`));
  for (let stream = 0; stream < shape.restStreams; stream++) writers.push(restWriter(ledger, target, state, `rest:${shape.tag}:${stream}`));
  const ended = Promise.all(writers).then(() => state.result);
  return {
    ended,
    stop: () => {
      state.stopping = true;
      return ended;
    },
  };
}
