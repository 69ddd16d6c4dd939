import { describe, expect, it } from 'vitest';
import { OK, SimpleString } from '../../src/commands/reply.js';
import { errorText, testEngine } from '../support/engine.js';

describe('generic key commands', () => {
  it('DEL / UNLINK / EXISTS count only live keys', () => {
    const e = testEngine();
    e.run('MSET', 'a', '1', 'b', '2');
    e.run('SET', 'c', '3', 'PX', 10);
    e.clock.advance(10);
    expect(e.run('EXISTS', 'a', 'a', 'b', 'c')).toBe(3);
    expect(e.run('DEL', 'a', 'c', 'zz')).toBe(1);
    expect(e.run('UNLINK', 'b')).toBe(1);
    expect(e.run('DBSIZE')).toBe(0);
  });

  it('TYPE answers a simple string, none for missing keys', () => {
    const e = testEngine();
    e.run('SET', 'k', 'v');
    expect(e.run('TYPE', 'k')).toEqual(new SimpleString('string'));
    expect(e.run('TYPE', 'missing')).toEqual(new SimpleString('none'));
  });

  it('RENAME carries the TTL and RENAMENX refuses to overwrite', () => {
    const e = testEngine();
    e.run('SET', 'src', 'v', 'EX', 100);
    expect(e.run('RENAME', 'src', 'dst')).toBe(OK);
    expect(e.run('TTL', 'dst')).toBe(100);
    expect(e.run('EXISTS', 'src')).toBe(0);
    e.run('SET', 'other', 'x');
    expect(e.run('RENAMENX', 'dst', 'other')).toBe(0);
    expect(e.run('RENAME', 'dst', 'dst')).toBe(OK);
    expect(errorText(e.run('RENAME', 'nope', 'x'))).toBe('ERR no such key');
  });

  it('COPY into another database, with and without REPLACE', () => {
    const e = testEngine();
    e.run('SET', 'k', 'v', 'EX', 50);
    expect(e.run('COPY', 'k', 'k', 'DB', 1)).toBe(1);
    expect(e.run('COPY', 'k', 'k', 'DB', 1)).toBe(0);
    expect(e.run('COPY', 'k', 'k', 'DB', 1, 'REPLACE')).toBe(1);
    expect(errorText(e.run('COPY', 'k', 'k'))).toBe('ERR source and destination objects are the same');
    expect(e.run('SELECT', 1)).toBe(OK);
    expect(e.run('GET', 'k')).toBe('v');
    expect(e.run('TTL', 'k')).toBe(50);
  });

  it('MOVE moves only when the target lacks the key', () => {
    const e = testEngine();
    e.run('SET', 'k', 'v');
    expect(e.run('MOVE', 'k', 3)).toBe(1);
    expect(e.run('EXISTS', 'k')).toBe(0);
    e.run('SET', 'k', 'again');
    expect(e.run('MOVE', 'k', 3)).toBe(0);
    expect(errorText(e.run('MOVE', 'k', 99))).toBe('ERR DB index is out of range');
    expect(errorText(e.run('MOVE', 'k', 0))).toBe('ERR source and destination objects are the same');
  });

  it('KEYS filters by glob and hides expired keys', () => {
    const e = testEngine();
    e.run('MSET', 'user:1', 'a', 'user:2', 'b', 'order:1', 'c');
    e.run('PEXPIRE', 'user:2', 1);
    e.clock.advance(1);
    expect(e.run('KEYS', 'user:*')).toEqual(['user:1']);
    expect((e.run('KEYS', '*') as string[]).sort()).toEqual(['order:1', 'user:1']);
  });

  it('SCAN pages through with MATCH, COUNT and TYPE and rejects bad input', () => {
    const e = testEngine();
    for (let i = 0; i < 50; i++) e.run('SET', `key:${i}`, 'x');
    const found = new Set<string>();
    let cursor = '0';
    do {
      const [next, keys] = e.run('SCAN', cursor, 'MATCH', 'key:1*', 'COUNT', 5, 'TYPE', 'string') as [string, string[]];
      keys.forEach((k) => found.add(k));
      cursor = next;
    } while (cursor !== '0');
    expect([...found].sort()).toEqual(['key:1', ...Array.from({ length: 10 }, (_, i) => `key:1${i}`)].sort());
    expect(errorText(e.run('SCAN', 'abc'))).toBe('ERR invalid cursor');
    expect(errorText(e.run('SCAN', '0', 'COUNT', 0))).toBe('ERR syntax error');
    expect(errorText(e.run('SCAN', '0', 'MATCH'))).toBe('ERR syntax error');
  });

  it('RANDOMKEY returns a key or null', () => {
    const e = testEngine();
    expect(e.run('RANDOMKEY')).toBeNull();
    e.run('SET', 'only', 'x');
    expect(e.run('RANDOMKEY')).toBe('only');
  });

  it('refuses keys over the configured limit on writes only', () => {
    const e = testEngine({ limits: { maxKeyBytes: 4, maxValueBytes: 10 } });
    expect(errorText(e.run('SET', 'toolong', 'v'))).toMatch(/key exceeds the configured limit of 4 bytes/);
    expect(e.run('GET', 'toolong')).toBeNull();
    expect(errorText(e.run('SET', 'k', 'x'.repeat(11)))).toBe('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
  });
});

describe('expire commands', () => {
  it('EXPIRE / PEXPIRE / EXPIREAT set TTLs that TTL and PTTL report', () => {
    const e = testEngine();
    e.run('SET', 'k', 'v');
    expect(e.run('EXPIRE', 'k', 100)).toBe(1);
    expect(e.run('TTL', 'k')).toBe(100);
    expect(e.run('PEXPIRE', 'k', 1500)).toBe(1);
    expect(e.run('PTTL', 'k')).toBe(1500);
    expect(e.run('TTL', 'k')).toBe(2);
    const at = Math.floor(e.clock.nowMs() / 1000) + 30;
    expect(e.run('EXPIREAT', 'k', at)).toBe(1);
    expect(e.run('EXPIRETIME', 'k')).toBe(at);
    expect(e.run('PEXPIRETIME', 'k')).toBe(at * 1000);
    expect(e.run('EXPIRE', 'missing', 10)).toBe(0);
  });

  it('a time in the past deletes the key', () => {
    const e = testEngine();
    e.run('SET', 'k', 'v');
    expect(e.run('EXPIRE', 'k', -1)).toBe(1);
    expect(e.run('EXISTS', 'k')).toBe(0);
  });

  it('NX XX GT LT follow Redis 7', () => {
    const e = testEngine();
    e.run('SET', 'k', 'v');
    expect(e.run('EXPIRE', 'k', 100, 'XX')).toBe(0);
    expect(e.run('EXPIRE', 'k', 100, 'GT')).toBe(0);
    expect(e.run('EXPIRE', 'k', 100, 'LT')).toBe(1);
    expect(e.run('EXPIRE', 'k', 50, 'NX')).toBe(0);
    expect(e.run('EXPIRE', 'k', 200, 'GT')).toBe(1);
    expect(e.run('EXPIRE', 'k', 300, 'LT')).toBe(0);
    expect(errorText(e.run('EXPIRE', 'k', 1, 'NX', 'XX'))).toBe('ERR NX and XX, GT or LT options at the same time are not compatible');
    expect(errorText(e.run('EXPIRE', 'k', 1, 'GT', 'LT'))).toBe('ERR GT and LT options at the same time are not compatible');
    expect(errorText(e.run('EXPIRE', 'k', 1, 'YY'))).toBe('ERR Unsupported option YY');
  });

  it('refuses expire times that overflow once scaled', () => {
    const e = testEngine();
    e.run('SET', 'k', 'v');
    expect(errorText(e.run('EXPIRE', 'k', '9223370399119966'))).toBe("ERR invalid expire time in 'expire' command");
    expect(errorText(e.run('PEXPIRE', 'k', '9223372036854770000'))).toBe("ERR invalid expire time in 'pexpire' command");
  });

  it('PERSIST removes a TTL once', () => {
    const e = testEngine();
    e.run('SET', 'k', 'v', 'EX', 10);
    expect(e.run('PERSIST', 'k')).toBe(1);
    expect(e.run('PERSIST', 'k')).toBe(0);
    expect(e.run('TTL', 'k')).toBe(-1);
    expect(e.run('EXPIRETIME', 'k')).toBe(-1);
    expect(e.run('EXPIRETIME', 'nope')).toBe(-2);
  });
});
