import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { testAppOptions } from '../support/http-server.js';
import { testEngine } from '../support/engine.js';
import { startResp, type RespHarness } from './harness.js';

/**
 * One scenario through both doors: `POST /commands` (the Upstash protocol, RESP2 shapes as JSON)
 * and RESP via ioredis, each on a fresh engine at the same instant. Results must be identical,
 * errors included, since both doors only render what the one dispatcher answered.
 */
const SCENARIO: string[][] = [
  ['SET', 'user:1', 'ada'],
  ['GET', 'user:1'],
  ['APPEND', 'user:1', ' lovelace'],
  ['STRLEN', 'user:1'],
  ['GETRANGE', 'user:1', '0', '2'],
  ['SET', 'n', '10', 'EX', '100'],
  ['INCRBY', 'n', '5'],
  ['TTL', 'n'],
  ['INCRBYFLOAT', 'n', '0.5'],
  ['MSET', 'a', '1', 'b', '2'],
  ['MGET', 'a', 'missing', 'b'],
  ['SET', 'a', 'x', 'GET'],
  ['EXISTS', 'a', 'b', 'missing'],
  ['DEL', 'a', 'missing'],
  ['INCR', 'user:1'],
  ['GET'],
  ['NOSUCHCOMMAND', 'arg'],
  ['SETNX', 'b', 'again'],
  ['EXPIRE', 'b', '50'],
  ['PTTL', 'b'],
  ['PERSIST', 'b'],
  ['DBSIZE'],
  ['ECHO', 'done'],
];

type Outcome = { result: unknown } | { error: string };

let resp: RespHarness;
let client: Redis;

beforeAll(async () => {
  resp = await startResp({}, testEngine());
  client = new Redis({ port: resp.port, host: '127.0.0.1' });
});
afterAll(async () => {
  client.disconnect();
  await resp.close();
});

async function throughResp(): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const [name, ...args] of SCENARIO) {
    try {
      outcomes.push({ result: await client.call(name!, ...args) });
    } catch (error) {
      outcomes.push({ error: (error as Error).message });
    }
  }
  return outcomes;
}

async function throughHttp(): Promise<Outcome[]> {
  const app = await buildApp(testAppOptions({ engine: testEngine() }));
  const outcomes: Outcome[] = [];
  for (const command of SCENARIO) {
    const response = await app.inject({ method: 'POST', url: '/commands', payload: command });
    outcomes.push(response.json<Outcome>());
  }
  await app.close();
  return outcomes;
}

describe('HTTP and RESP parity', () => {
  it('one scenario gives the same results and errors through /commands and RESP', async () => {
    const [http, overResp] = [await throughHttp(), await throughResp()];
    expect(overResp).toEqual(http);
    expect(overResp[1]).toEqual({ result: 'ada' });
    expect(overResp[14]).toEqual({ error: 'ERR value is not an integer or out of range' });
  });
});
