import { afterAll, describe, expect, it } from 'vitest';
import { cleanUp, command, startLarder, tempDataDir } from './larder-process.js';

afterAll(cleanUp);

interface KeyBody {
  type: string;
  value: unknown;
  encoding?: string;
  ttl: number | null;
  ttlMs: number | null;
}

async function put(httpUrl: string, key: string, envelope: unknown): Promise<void> {
  const response = await fetch(`${httpUrl}/keys/${encodeURIComponent(key)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(envelope),
  });
  if (response.status !== 201) throw new Error(`PUT ${key}: ${response.status} ${await response.text()}`);
}

async function read(httpUrl: string, key: string): Promise<{ status: number; etag: string | null; body: KeyBody | undefined }> {
  const response = await fetch(`${httpUrl}/keys/${encodeURIComponent(key)}`);
  const body = response.status === 200 ? ((await response.json()) as KeyBody) : undefined;
  return { status: response.status, etag: response.headers.get('etag'), body };
}

const HOUR_MS = 3_600_000;
const KEYS = ['hash', 'list', 'set', 'zset', 'binary-set', 'resp-hash', 'resp-zset', 'string'];

/** Every type, written through REST and through commands, some with TTLs, some with bytes that are not UTF-8. */
async function writeEveryType(httpUrl: string): Promise<void> {
  await put(httpUrl, 'hash', { type: 'hash', value: { name: 'Ada', city: 'Zürich', empty: '' }, ttlMs: HOUR_MS });
  await put(httpUrl, 'list', { type: 'list', value: ['c', 'a', 'b', 'a'] });
  await put(httpUrl, 'set', { type: 'set', value: ['red', 'green', 'blue'], ttl: 7200 });
  const scores = [{ member: 'low', score: '-inf' }, { member: 'pi', score: 3.141592653589793 }, { member: 'tiny', score: 5e-324 }, { member: 'high', score: 'inf' }];
  await put(httpUrl, 'zset', { type: 'zset', value: scores, ttlMs: HOUR_MS });
  await put(httpUrl, 'binary-set', { type: 'set', value: ['AP8=', 'gICA', 'YQ=='], encoding: 'base64' });
  await command(httpUrl, 'HSET', 'resp-hash', 'f1', 'v1', 'f2', 'v2');
  await command(httpUrl, 'HDEL', 'resp-hash', 'f1');
  await command(httpUrl, 'HSET', 'resp-hash', 'f3', 'v3');
  await command(httpUrl, 'ZADD', 'resp-zset', '2', 'b', '1', 'a', '2', 'a2');
  await command(httpUrl, 'PEXPIRE', 'resp-zset', String(HOUR_MS));
  await command(httpUrl, 'SET', 'string', 'plain');
  await put(httpUrl, 'short-lived', { type: 'list', value: ['gone'], ttlMs: 200 });
}

describe('every data type survives SIGTERM and a restart', () => {
  it('values, ETags and TTLs come back exactly; an expired aggregate does not', async () => {
    const dataDir = tempDataDir();
    const args = ['--data.dir', dataDir, '--snapshot.saveRules', ''];
    const first = await startLarder(args);
    await writeEveryType(first.httpUrl);
    const before = new Map(await Promise.all(KEYS.map(async (key) => [key, await read(first.httpUrl, key)] as const)));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await first.stop('SIGTERM')).toEqual({ code: 0, signal: null });

    const second = await startLarder(args);
    try {
      for (const key of KEYS) {
        const was = before.get(key)!;
        const now = await read(second.httpUrl, key);
        expect(now.status, key).toBe(200);
        expect(now.etag, key).toBe(was.etag);
        const { ttlMs: ttlBefore, ttl: _secondsBefore, ...restBefore } = was.body!;
        const { ttlMs: ttlNow, ttl: _secondsNow, ...restNow } = now.body!;
        expect(restNow, key).toEqual(restBefore);
        if (ttlBefore === null) {
          expect(ttlNow, key).toBeNull();
        } else {
          // Expiry is absolute: the restart only lets time pass, it never adds any.
          expect(ttlBefore - ttlNow!, key).toBeGreaterThanOrEqual(0);
          expect(ttlBefore - ttlNow!, key).toBeLessThan(30_000);
        }
      }
      expect(before.get('zset')!.body!.value).toEqual([
        { member: 'low', score: '-inf' }, { member: 'tiny', score: 5e-324 }, { member: 'pi', score: 3.141592653589793 }, { member: 'high', score: 'inf' },
      ]);
      expect(before.get('binary-set')!.body).toMatchObject({ encoding: 'base64' });
      expect(await command(second.httpUrl, 'HGETALL', 'resp-hash')).toEqual(['f2', 'v2', 'f3', 'v3']);
      expect((await read(second.httpUrl, 'short-lived')).status).toBe(404);
      expect(await command(second.httpUrl, 'DBSIZE')).toBe(KEYS.length);
    } finally {
      expect((await second.stop()).code).toBe(0);
    }
  });
});
