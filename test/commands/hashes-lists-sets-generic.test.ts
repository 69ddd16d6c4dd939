import { describe, expect, it } from 'vitest';
import { MapReply, SetReply } from '../../src/commands/reply.js';
import { errorText, testEngine, type TestEngine } from '../support/engine.js';

function fill(e: TestEngine): void {
  e.run('HSET', 'h', 'f', 'v');
  e.run('RPUSH', 'l', 'a', 'b');
  e.run('SADD', 's', 'm');
  e.run('ZADD', 'z', 1, 'm');
  e.run('SET', 'str', 'v');
}

describe('generic commands across types', () => {
  it('TYPE names every type', () => {
    const e = testEngine();
    fill(e);
    expect(['h', 'l', 's', 'z', 'str', 'none'].map((key) => (e.run('TYPE', key) as { value: string }).value)).toEqual([
      'hash', 'list', 'set', 'zset', 'string', 'none',
    ]);
  });

  it('COPY deep-clones aggregates: changing the copy leaves the source alone', () => {
    const e = testEngine();
    fill(e);
    for (const key of ['h', 'l', 's', 'z']) expect(e.run('COPY', key, `${key}2`)).toBe(1);
    e.run('HSET', 'h2', 'f', 'changed');
    e.run('RPUSH', 'l2', 'c');
    e.run('SADD', 's2', 'other');
    e.run('ZADD', 'z2', 5, 'm');
    expect(e.run('HGET', 'h', 'f')).toBe('v');
    expect(e.run('LRANGE', 'l', 0, -1)).toEqual(['a', 'b']);
    expect(e.run('SCARD', 's')).toBe(1);
    expect(e.run('ZRANGE', 'z', 0, -1, 'WITHSCORES')).toEqual(['m', expect.objectContaining({ value: 1 })]);
  });

  it('RENAME moves an aggregate with its TTL; DEL removes any type', () => {
    const e = testEngine();
    fill(e);
    e.run('PEXPIRE', 'z', 5000);
    expect(e.run('RENAME', 'z', 'z-new')).toEqual({ value: 'OK' });
    expect(e.run('ZSCORE', 'z-new', 'm')).toEqual(expect.objectContaining({ value: 1 }));
    expect(e.run('PTTL', 'z-new')).toBe(5000);
    expect(e.run('DEL', 'h', 'l', 's', 'z-new', 'str')).toBe(5);
    expect(e.run('DBSIZE')).toBe(0);
  });

  it('SCAN TYPE filters by type', () => {
    const e = testEngine();
    fill(e);
    for (const [type, key] of [['hash', 'h'], ['list', 'l'], ['set', 's'], ['zset', 'z'], ['string', 'str']]) {
      expect(e.run('SCAN', 0, 'TYPE', type!, 'COUNT', 100)).toEqual(['0', [key]]);
    }
  });

  it('a string command on an aggregate and an aggregate command on a string answer WRONGTYPE', () => {
    const e = testEngine();
    fill(e);
    const wrongType = 'WRONGTYPE Operation against a key holding the wrong kind of value';
    expect(errorText(e.run('APPEND', 'l', 'x'))).toBe(wrongType);
    expect(errorText(e.run('INCR', 'h'))).toBe(wrongType);
    expect(errorText(e.run('SMEMBERS', 'z'))).toBe(wrongType);
    expect(errorText(e.run('ZCARD', 's'))).toBe(wrongType);
    expect(errorText(e.run('HLEN', 'l'))).toBe(wrongType);
    expect(errorText(e.run('LLEN', 'str'))).toBe(wrongType);
    expect(e.run('SET', 'l', 'now a string')).toEqual({ value: 'OK' });
    expect(e.run('GET', 'l')).toBe('now a string');
  });

  it('MEMORY USAGE estimates grow with the value and sample large aggregates', () => {
    const e = testEngine();
    e.run('SET', 'small', 'x');
    e.run('SET', 'big', 'x'.repeat(10_000));
    const small = e.run('MEMORY', 'USAGE', 'small') as number;
    expect(e.run('MEMORY', 'USAGE', 'big') as number).toBeGreaterThan(small + 9_000);
    for (let i = 0; i < 100; i++) e.run('HSET', 'h', `field${i}`, 'v'.repeat(100));
    const sampledBytes = e.run('MEMORY', 'USAGE', 'h') as number;
    const exactBytes = e.run('MEMORY', 'USAGE', 'h', 'SAMPLES', 0) as number;
    expect(sampledBytes).toBeGreaterThan(100 * 100);
    expect(Math.abs(sampledBytes - exactBytes) / exactBytes).toBeLessThan(0.05);
    expect(e.run('MEMORY', 'USAGE', 'missing')).toBeNull();
    expect(errorText(e.run('MEMORY', 'USAGE', 'h', 'SAMPLES', -1))).toBe('ERR syntax error');
  });

  it('encoding thresholds are accepted and remembered (they change no representation)', () => {
    const e = testEngine();
    expect(e.run('CONFIG', 'SET', 'hash-max-ziplist-value', '10')).toEqual({ value: 'OK' });
    const reply = e.run('CONFIG', 'GET', 'hash-max-*') as MapReply;
    expect(Object.fromEntries(reply.entries as Array<[string, string]>)).toEqual({
      'hash-max-listpack-entries': '128', 'hash-max-ziplist-entries': '128',
      'hash-max-listpack-value': '10', 'hash-max-ziplist-value': '10',
    });
    expect(errorText(e.run('CONFIG', 'SET', 'zset-max-listpack-entries', 'x'))).toMatch(/^ERR CONFIG SET failed/);
    e.run('HSET', 'h', 'f', 'a value longer than ten bytes');
    expect(e.run('HGET', 'h', 'f')).toBe('a value longer than ten bytes');
    expect(e.run('SMEMBERS', 'missing')).toBeInstanceOf(SetReply);
  });
});
