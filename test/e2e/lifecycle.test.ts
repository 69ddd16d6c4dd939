import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanUp, command, freePort, runLarder, startLarder, tempDataDir } from './larder-process.js';

afterAll(cleanUp);

// No periodic snapshots, so only SAVE and the shutdown save can put keys on disk.
const NO_SAVE_RULES = ['--snapshot.saveRules', ''];

describe('a real larder process', () => {
  it('round-trips a JSON value through PUT and GET /keys/:key over HTTP', async () => {
    const larder = await startLarder(['--data.dir', tempDataDir()]);
    const put = await fetch(`${larder.httpUrl}/keys/user%3A42`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value: { name: 'Ada', langs: ['en', 'fr'] }, ttl: 3600 }),
    });
    expect(put.status).toBe(201);
    const get = await fetch(`${larder.httpUrl}/keys/user%3A42`);
    expect(get.status).toBe(200);
    expect(get.headers.get('etag')).toBe(put.headers.get('etag'));
    const body = (await get.json()) as { value: unknown; ttl: number };
    expect(body.value).toEqual({ name: 'Ada', langs: ['en', 'fr'] });
    expect(body.ttl).toBeGreaterThan(3590);
    expect((await larder.stop()).code).toBe(0);
  });

  it('SIGTERM saves every key, exits 0, and a restart has every non-expired key with its TTL', async () => {
    const dataDir = tempDataDir();
    const first = await startLarder(['--data.dir', dataDir, ...NO_SAVE_RULES]);
    await command(first.httpUrl, 'SET', 'forever', 'plain');
    await command(first.httpUrl, 'SET', 'later', 'expires in ten minutes', 'PX', '600000');
    await command(first.httpUrl, 'SET', 'soon', 'expires in 200 ms', 'PX', '200');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await first.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(first.stdout()).toContain('"msg":"larder stopped"');

    const second = await startLarder(['--data.dir', dataDir, ...NO_SAVE_RULES]);
    expect(await command(second.httpUrl, 'GET', 'forever')).toBe('plain');
    expect(await command(second.httpUrl, 'GET', 'later')).toBe('expires in ten minutes');
    const pttlMs = (await command(second.httpUrl, 'PTTL', 'later')) as number;
    expect(pttlMs).toBeGreaterThan(590_000);
    expect(pttlMs).toBeLessThanOrEqual(600_000);
    expect(await command(second.httpUrl, 'EXISTS', 'soon')).toBe(0);
    expect(await command(second.httpUrl, 'DBSIZE')).toBe(2);
    expect((await second.stop('SIGINT')).code).toBe(0);
  });

  it('kill -9 after SAVE: everything SAVE covered is back, later writes are not', async () => {
    const dataDir = tempDataDir();
    const first = await startLarder(['--data.dir', dataDir, ...NO_SAVE_RULES]);
    await command(first.httpUrl, 'MSET', 'a', '1', 'b', '2');
    expect(await command(first.httpUrl, 'SAVE')).toBe('OK');
    await command(first.httpUrl, 'SET', 'after-save', 'lost on kill -9');
    expect(await first.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });

    const second = await startLarder(['--data.dir', dataDir, ...NO_SAVE_RULES]);
    expect(await command(second.httpUrl, 'MGET', 'a', 'b', 'after-save')).toEqual(['1', '2', null]);
    expect((await second.stop()).code).toBe(0);
  });

  it('a corrupt snapshot stops start-up naming the file; move-aside starts empty and keeps it', async () => {
    const dataDir = tempDataDir();
    const first = await startLarder(['--data.dir', dataDir]);
    await command(first.httpUrl, 'SET', 'k', 'v');
    await first.stop();
    const file = join(dataDir, 'larder.snapshot');
    const bytes = readFileSync(file);
    // Flip one byte near the end: inside the last block or the trailer's checksum.
    bytes[bytes.length - 3] = (bytes[bytes.length - 3] ?? 0) ^ 0xff;
    writeFileSync(file, bytes);

    const refused = await runLarder(['--http.port', '0', '--resp.port', '0', '--data.dir', dataDir]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(file);
    expect(refused.stdout).toContain('snapshot.onCorrupt=move-aside');

    const moved = await startLarder(['--data.dir', dataDir, '--snapshot.onCorrupt', 'move-aside']);
    expect(await command(moved.httpUrl, 'DBSIZE')).toBe(0);
    expect(readdirSync(dataDir).some((name) => name.startsWith('larder.snapshot.corrupt-'))).toBe(true);
    expect((await moved.stop()).code).toBe(0);
  });

  it('serves RESP beside HTTP on one keyspace; SIGTERM with a client connected still saves and exits 0', async () => {
    const dataDir = tempDataDir();
    const respPort = await freePort();
    const first = await startLarder(['--data.dir', dataDir, '--resp.port', String(respPort), ...NO_SAVE_RULES], { LARDER_AUTH_TOKENS: 'resp-token' });
    expect(first.stdout()).toContain(`"resp":"127.0.0.1:${respPort}"`);
    const client = new Redis({ host: '127.0.0.1', port: respPort, password: 'resp-token', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    await client.connect();
    try {
      await client.set('over-resp', 'written by ioredis');
      expect(await client.save()).toBe('OK');
      await client.set('after-save', 'lost on kill -9');
      expect(await first.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    } finally {
      client.disconnect();
    }

    const second = await startLarder(['--data.dir', dataDir, '--resp.port', String(respPort), ...NO_SAVE_RULES], { LARDER_AUTH_TOKENS: 'resp-token' });
    const again = new Redis({ host: '127.0.0.1', port: respPort, password: 'resp-token', maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      expect(await again.mget('over-resp', 'after-save')).toEqual(['written by ioredis', null]);
      await again.set('at-shutdown', 'saved by SIGTERM');
      expect(await second.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    } finally {
      again.disconnect();
    }
    const third = await startLarder(['--data.dir', dataDir, ...NO_SAVE_RULES]);
    expect(await command(third.httpUrl, 'GET', 'at-shutdown')).toBe('saved by SIGTERM');
    expect((await third.stop()).code).toBe(0);
  });
});
