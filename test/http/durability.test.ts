import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { problemExample, upstashErrorExample } from '../../schemas/responses.js';
import { readAofFile } from '../../src/persistence/aof-reader.js';
import type { AofRecord } from '../../src/persistence/aof-record.js';
import { cleanUp } from '../e2e/larder-process.js';
import { eventually, settledSoon, startDoorServer, type DoorServer } from '../persistence/aof-doors-server.js';

afterAll(cleanUp);

let door: DoorServer | undefined;

afterEach(async () => {
  door?.disk.resumeSyncs();
  door?.disk.clearFaults();
  await door?.server.close();
  door = undefined;
});

async function start(): Promise<DoorServer> {
  door = await startDoorServer();
  return door;
}

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** One request; the body is always read, so the connection goes back to fetch's pool. */
async function request(d: DoorServer, method: string, path: string, body?: unknown): Promise<Answer> {
  const init: RequestInit = { method };
  if (body !== undefined) Object.assign(init, { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const response = await fetch(`${d.server.httpUrl}${path}`, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
}

/** Sends the request with fsyncs paused and checks that its answer waits for them. */
async function heldUntilDurable(d: DoorServer, send: () => Promise<Answer>): Promise<Answer> {
  d.disk.pauseSyncs();
  const answer = send();
  await eventually(() => d.disk.syncsWaiting > 0, 'the group commit fsync');
  expect(await settledSoon(answer)).toBe(false);
  d.disk.resumeSyncs();
  return answer;
}

/** Makes the disk full and sends one write, which reaches memory and is then held: writes are refused from then on. */
async function fillDisk(d: DoorServer): Promise<{ held: Promise<Answer> }> {
  d.disk.inject({ op: 'append', code: 'ENOSPC' });
  const held = request(d, 'POST', '/commands', ['SET', 'during', '1']);
  await eventually(async () => (await request(d, 'GET', '/health/ready')).status === 503, 'writes refused');
  // Wrapped: an async function returning the promise itself would wait for it.
  return { held };
}

const REFUSAL = 'MISCONF Errors writing to the AOF file: No space left on device';

describe('HTTP doors under appendfsync always', () => {
  it('REST PUT and DELETE answer once the write is durable', async () => {
    const d = await start();
    const put = await heldUntilDurable(d, () => request(d, 'PUT', '/keys/k', { value: 'v' }));
    expect(put.status).toBe(201);
    const del = await heldUntilDurable(d, () => request(d, 'DELETE', '/keys/k'));
    expect(del.status).toBe(204);
  });

  it('/commands, /commands/pipeline and /commands/multi-exec answer once their writes are durable', async () => {
    const d = await start();
    const one = await heldUntilDurable(d, () => request(d, 'POST', '/commands', ['SET', 'a', '1']));
    expect(one.body).toEqual({ result: 'OK' });
    const pipeline = await heldUntilDurable(d, () => request(d, 'POST', '/commands/pipeline', [['INCR', 'n'], ['GET', 'a']]));
    expect(pipeline.body).toEqual([{ result: 1 }, { result: '1' }]);
    const multi = await heldUntilDurable(d, () => request(d, 'POST', '/commands/multi-exec', [['INCR', 'n'], ['INCR', 'n']]));
    expect(multi.body).toEqual([{ result: 2 }, { result: 3 }]);
  });

  it('reads answer at once while a write waits for its fsync', async () => {
    const d = await start();
    d.disk.pauseSyncs();
    const write = request(d, 'POST', '/commands', ['SET', 'a', '1']);
    await eventually(() => d.disk.syncsWaiting > 0, 'the group commit fsync');
    expect((await request(d, 'GET', '/keys/a')).body).toMatchObject({ value: '1' });
    expect((await request(d, 'POST', '/commands', ['GET', 'a'])).body).toEqual({ result: '1' });
    d.disk.resumeSyncs();
    expect((await write).status).toBe(200);
  });

  it('a full disk: REST 503 writes_refused with Retry-After, /commands 503 {"error"}, pipeline entries carry the error, reads served', async () => {
    const d = await start();
    await request(d, 'PUT', '/keys/before', { value: 'x' });
    const { held } = await fillDisk(d);
    const put = await request(d, 'PUT', '/keys/k', { value: 'v' });
    expect(put.status).toBe(503);
    expect(put.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(put.headers.get('retry-after')).toBe('1');
    // The very body the OpenAPI document shows as its example.
    expect(put.body).toEqual({ ...problemExample(503), instance: '/keys/k' });
    expect((await request(d, 'DELETE', '/keys/before')).status).toBe(503);
    const command = await request(d, 'POST', '/commands', ['SET', 'k', 'v']);
    expect(command.status).toBe(503);
    expect(command.headers.get('retry-after')).toBe('1');
    expect(command.body).toEqual({ error: upstashErrorExample(503) });
    const pipeline = await request(d, 'POST', '/commands/pipeline', [['SET', 'k', 'v'], ['GET', 'before']]);
    expect(pipeline.status).toBe(200);
    expect(pipeline.body).toEqual([{ error: REFUSAL }, { result: 'x' }]);
    expect((await request(d, 'GET', '/keys/before')).status).toBe(200);
    expect(await settledSoon(held)).toBe(false);
    d.disk.clearFaults();
    expect((await held).status).toBe(200);
  });

  it('/health/ready answers 503 with the reason while writes are refused, and 200 after the disk recovers', async () => {
    const d = await start();
    expect((await request(d, 'GET', '/health/ready')).status).toBe(200);
    const { held } = await fillDisk(d);
    const refused = await request(d, 'GET', '/health/ready');
    expect(refused.body).toEqual({ status: 'unavailable', detail: `writes refused: ${REFUSAL}` });
    expect((await request(d, 'GET', '/health/live')).status).toBe(200);
    d.disk.clearFaults();
    await held;
    await eventually(async () => (await request(d, 'GET', '/health/ready')).status === 200, 'ready again');
  });

  it('/commands/multi-exec is one unit: one record in the log, and refused whole (503 EXECABORT naming the write) while writes are refused', async () => {
    const d = await start();
    expect((await request(d, 'POST', '/commands/multi-exec', [['SET', 'a', '1'], ['INCR', 'n'], ['GET', 'a']])).body).toEqual([{ result: 'OK' }, { result: 1 }, { result: '1' }]);
    const incr = d.disk.files().find((file) => file.endsWith('.incr.aof'))!;
    const records: AofRecord[] = [];
    readAofFile(incr, (record) => records.push(record), d.disk);
    expect(records.map((record) => record.ops.map((op) => op.argv[0]))).toEqual([['SET', 'INCR']]);
    const { held } = await fillDisk(d);
    const refused = await request(d, 'POST', '/commands/multi-exec', [['GET', 'a'], ['INCR', 'n']]);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.body).toEqual({ error: `EXECABORT Transaction discarded because of previous errors. Command 2: ${REFUSAL}` });
    // A read-only transaction still runs, as reads do.
    expect((await request(d, 'POST', '/commands/multi-exec', [['GET', 'a']])).body).toEqual([{ result: '1' }]);
    d.disk.clearFaults();
    await held;
    expect((await request(d, 'POST', '/commands', ['GET', 'n'])).body).toEqual({ result: '1' });
  });
});

