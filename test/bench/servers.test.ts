import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuSeconds } from '../../bench/lib/processes.js';
import { runRedisBenchmark } from '../../bench/lib/redis-benchmark.js';
import { startBareFastify, startRedis, startWebdis, type ServerHandle } from '../../bench/servers/catalog.js';

describe('bare Fastify reference server', () => {
  let server: ServerHandle;
  let baseUrl: string;
  beforeAll(async () => {
    server = await startBareFastify({});
    baseUrl = server.httpUrl ?? '';
  });
  afterAll(async () => server.stop());

  const put = (key: string, contentType: string, body: string): Promise<Response> =>
    fetch(`${baseUrl}/keys/${key}`, { method: 'PUT', headers: { 'content-type': contentType }, body });

  it('answers 201 on create, 200 on replace, and the JSON envelope on GET', async () => {
    expect((await put('envelope', 'application/json', '{"value":"first"}')).status).toBe(201);
    expect((await put('envelope', 'application/json', '{"value":"second"}')).status).toBe(200);
    const response = await fetch(`${baseUrl}/keys/envelope`);
    expect(await response.json()).toEqual({ key: 'envelope', value: 'second' });
  });

  it('returns a raw body byte-exact with its content type when the client accepts that type', async () => {
    await put('raw', 'application/octet-stream', 'bytes\u0001\u00ff');
    const response = await fetch(`${baseUrl}/keys/raw`, { headers: { accept: 'application/octet-stream' } });
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.from('bytes\u0001\u00ff'));
  });

  it('answers 404 for a key never written', async () => {
    expect((await fetch(`${baseUrl}/keys/missing`)).status).toBe(404);
  });
});

describe('redis-server reference and redis-benchmark', () => {
  let redis: ServerHandle;
  beforeAll(async () => {
    redis = await startRedis({});
  });
  afterAll(async () => redis.stop());

  it('measures throughput and charges the server CPU time it cost', async () => {
    const beforeS = cpuSeconds(redis.pid);
    const result = await runRedisBenchmark({ port: redis.respPort ?? 0, test: 'set', clients: 5, pipeline: 1, requests: 5000, timeoutMs: 30_000 });
    expect(result.test).toBe('SET');
    expect(result.requestsPerS).toBeGreaterThan(0);
    expect(cpuSeconds(redis.pid)).toBeGreaterThan(beforeS);
  });

  it('stops the server by PID so nothing is left listening', async () => {
    const extra = await startRedis({});
    await extra.stop();
    expect(() => process.kill(extra.pid, 0)).toThrow();
  });
});

describe('webdis + redis-server reference', () => {
  let webdis: ServerHandle;
  beforeAll(async () => {
    webdis = await startWebdis({});
  });

  it('stores a PUT /SET/<key> body and answers it as text and as JSON', async () => {
    const put = await fetch(`${webdis.httpUrl}/SET/bench:raw:1`, { method: 'PUT', body: 'r'.repeat(100) });
    expect(await put.json()).toEqual({ SET: [true, 'OK'] });
    expect(await (await fetch(`${webdis.httpUrl}/GET/bench:raw:1.txt`)).text()).toBe('r'.repeat(100));
    expect(await (await fetch(`${webdis.httpUrl}/GET/bench:raw:1.json`)).json()).toEqual({ GET: 'r'.repeat(100) });
  });

  it('counts both processes as the server and stops both', async () => {
    expect(webdis.cpuPids).toHaveLength(2);
    await webdis.stop();
    for (const pid of webdis.cpuPids) expect(() => process.kill(pid, 0)).toThrow();
  });
});
