import { expect } from 'vitest';
import type { WriteLedger } from './durability-ledger.js';
import { startWriteLoad } from './durability-load.js';
import { RespConnection, RespError, type RespValue } from './durability-resp.js';
import { sleep, type DurableLarder } from './durability-server.js';

/** A disk fault a test can switch on and off while a server runs. */
export interface FaultSource {
  label: string;
  /** The strerror(3) text the MISCONF reply must carry. */
  strerror: string;
  inject(): Promise<void>;
  clear(): Promise<void>;
}

export interface FaultFigures {
  label: string;
  /** From switching the fault on to the first write refused. */
  refusedAfterMs: number;
  /** From clearing the fault to the first write acknowledged again (the bar: 1 s). */
  resumedAfterMs: number;
  acknowledgedDuringScenario: number;
}

const REFUSAL_TIMEOUT_MS = 10_000;
const RESUME_TIMEOUT_MS = 10_000;
const PROBE_INTERVAL_MS = 10;

/**
 * One SET through the ledger on a connection of its own: under `always` a write caught by the
 * fault keeps its reply held until the log is durable again, and a held reply must not stall the
 * probes after it. The reply, whenever it comes, is accounted for.
 */
function probeSet(ledger: WriteLedger, respPort: number, key: string): Promise<RespValue> {
  const write = ledger.keyIssued(key);
  return RespConnection.open(respPort).then(async (connection) => {
    try {
      const reply = await connection.call('SET', key, write.value);
      if (reply === 'OK') write.ackedAtMs = Date.now();
      return reply;
    } finally {
      connection.close();
    }
  });
}

const isRefusal = (reply: RespValue): reply is RespError => reply instanceof RespError && reply.message.startsWith('MISCONF');

/** Probes every PROBE_INTERVAL_MS until one reply satisfies `done`; answers the elapsed ms. */
async function probeUntil(ledger: WriteLedger, larder: DurableLarder, tag: string, what: string, done: (reply: RespValue) => boolean, timeoutMs: number): Promise<number> {
  const startedMs = performance.now();
  let reached: number | undefined;
  for (let probe = 0; reached === undefined; probe++) {
    if (performance.now() - startedMs > timeoutMs) throw new Error(`${tag}: no ${what} within ${timeoutMs} ms`);
    void probeSet(ledger, larder.respPort, `${tag}:${probe}`).then((reply) => {
      if (reached === undefined && done(reply)) reached = performance.now() - startedMs;
    }, () => {});
    await sleep(PROBE_INTERVAL_MS);
  }
  return reached;
}

/** While the fault holds: writes refused on every door with the disk's own error, reads served. */
async function expectRefusedEverywhere(ledger: WriteLedger, larder: DurableLarder, source: FaultSource, readableKey: string): Promise<void> {
  const misconf = `MISCONF Errors writing to the AOF file: ${source.strerror}`;
  const refused = await probeSet(ledger, larder.respPort, `${source.label}:refused`);
  expect(refused).toEqual(new RespError(misconf));

  const putKey = `${source.label}:rest`;
  const put = await fetch(`${larder.httpUrl}/keys/${encodeURIComponent(putKey)}`, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: ledger.keyIssued(putKey).value });
  expect(put.status, 'REST PUT').toBe(503);
  expect(put.headers.get('content-type'), 'REST PUT').toMatch(/^application\/problem\+json/);
  expect(await put.text(), 'REST PUT').toContain(source.strerror);

  const commandKey = `${source.label}:commands`;
  const posted = await fetch(`${larder.httpUrl}/commands`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(['SET', commandKey, ledger.keyIssued(commandKey).value]) });
  expect(posted.status, 'POST /commands').toBe(503);
  expect(await posted.json(), 'POST /commands').toEqual({ error: misconf });

  const reader = await RespConnection.open(larder.respPort);
  try {
    expect(await reader.call('GET', readableKey), 'RESP GET while refusing').toBe(ledger.keys.get(readableKey)?.value);
    expect(String(await reader.call('INFO', 'persistence'))).toContain('aof_last_write_status:err');
  } finally {
    reader.close();
  }
  const restRead = await fetch(`${larder.httpUrl}/keys/${encodeURIComponent(readableKey)}`, { headers: { accept: 'application/octet-stream' } });
  expect(restRead.status, 'REST GET while refusing').toBe(200);
  expect(await restRead.text()).toBe(ledger.keys.get(readableKey)?.value);
  const ready = await fetch(`${larder.httpUrl}/health/ready`);
  expect(ready.status, '/health/ready while refusing').toBe(503);
}

/**
 * The disk-fault scenario against a running server with `appendfsync always`: writes flow, the
 * fault hits, every door refuses writes with the disk's error while reads go on, the fault clears
 * and writes resume by themselves. Every write is in the ledger; the caller restarts the server
 * and reconciles it to prove no acknowledged write was lost.
 */
export async function runFaultScenario(ledger: WriteLedger, larder: DurableLarder, source: FaultSource): Promise<FaultFigures> {
  const baselineKey = `${source.label}:baseline`;
  expect(await probeSet(ledger, larder.respPort, baselineKey)).toBe('OK');
  const load = startWriteLoad(ledger, larder, { respClients: 2, restStreams: 1, tag: source.label });
  await sleep(200);

  await source.inject();
  const refusedAfterMs = await probeUntil(ledger, larder, `${source.label}:until-refused`, 'MISCONF refusal', isRefusal, REFUSAL_TIMEOUT_MS);
  await expectRefusedEverywhere(ledger, larder, source, baselineKey);

  await source.clear();
  const resumedAfterMs = await probeUntil(ledger, larder, `${source.label}:until-resumed`, 'acknowledged write', (reply) => reply === 'OK', RESUME_TIMEOUT_MS);
  const { acknowledged } = await load.stop();
  const ready = await fetch(`${larder.httpUrl}/health/ready`);
  expect(ready.status, '/health/ready once writes resumed').toBe(200);
  return { label: source.label, refusedAfterMs: Math.round(refusedAfterMs), resumedAfterMs: Math.round(resumedAfterMs), acknowledgedDuringScenario: acknowledged };
}
