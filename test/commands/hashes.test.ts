import { describe, expect, it } from 'vitest';
import { MapReply } from '../../src/commands/reply.js';
import { errorText, testEngine } from '../support/engine.js';

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';

describe('hash commands', () => {
  it('HSET in update and insert mode', () => {
    const e = testEngine();
    expect(e.run('HSET', 'h', 'a', '1', 'b', '2')).toBe(2);
    expect(e.run('HSET', 'h', 'a', 'x', 'c', '3')).toBe(1);
    expect(e.run('HGET', 'h', 'a')).toBe('x');
    expect(e.run('HLEN', 'h')).toBe(3);
    expect(e.run('TYPE', 'h')).toEqual({ value: 'hash' });
  });

  it('HSET/HMSET wrong number of args', () => {
    const e = testEngine();
    expect(errorText(e.run('HSET', 'h', 'a', '1', 'b'))).toBe("ERR wrong number of arguments for 'hset' command");
    expect(errorText(e.run('HMSET', 'h', 'a', '1', 'b'))).toBe("ERR wrong number of arguments for 'hmset' command");
    expect(errorText(e.run('HSET', 'h', 'a'))).toBe("ERR wrong number of arguments for 'hset' command");
    expect(e.run('HMSET', 'h', 'a', '1')).toEqual({ value: 'OK' });
  });

  it('HSETNX only sets missing fields', () => {
    const e = testEngine();
    expect(e.run('HSETNX', 'h', 'f', 'v1')).toBe(1);
    expect(e.run('HSETNX', 'h', 'f', 'v2')).toBe(0);
    expect(e.run('HGET', 'h', 'f')).toBe('v1');
  });

  it('HMGET against non existing key and fields', () => {
    const e = testEngine();
    expect(e.run('HMGET', 'nokey', 'a', 'b')).toEqual([null, null]);
    e.run('HSET', 'h', 'a', '1');
    expect(e.run('HMGET', 'h', 'a', 'zz')).toEqual(['1', null]);
  });

  it('answers WRONGTYPE against a string key, for reads and writes', () => {
    const e = testEngine();
    e.run('SET', 's', 'v');
    for (const argv of [['HGET', 's', 'f'], ['HMGET', 's', 'f'], ['HSET', 's', 'f', 'v'], ['HDEL', 's', 'f'], ['HGETALL', 's'], ['HINCRBY', 's', 'f', '1'], ['HSCAN', 's', '0'], ['HRANDFIELD', 's']]) {
      expect(errorText(e.run(...argv))).toBe(WRONGTYPE);
    }
    e.run('HSET', 'h', 'f', 'v');
    expect(errorText(e.run('GET', 'h'))).toBe(WRONGTYPE);
  });

  it('HGETALL, HKEYS, HVALS return every pair; HGETALL is a map', () => {
    const e = testEngine();
    e.run('HSET', 'h', 'a', '1', 'b', '2');
    const all = e.run('HGETALL', 'h') as MapReply;
    expect(all).toBeInstanceOf(MapReply);
    expect(Object.fromEntries(all.entries.map(([k, v]) => [k, v]))).toEqual({ a: '1', b: '2' });
    expect((e.run('HKEYS', 'h') as string[]).sort()).toEqual(['a', 'b']);
    expect((e.run('HVALS', 'h') as string[]).sort()).toEqual(['1', '2']);
    expect((e.run('HGETALL', 'missing') as MapReply).entries).toEqual([]);
  });

  it('HDEL - hash becomes empty before deleting all specified fields', () => {
    const e = testEngine();
    e.run('HSET', 'h', 'a', '1', 'b', '2');
    expect(e.run('HDEL', 'h', 'a', 'b', 'c')).toBe(2);
    expect(e.run('EXISTS', 'h')).toBe(0);
    expect(e.run('HDEL', 'h', 'a')).toBe(0);
  });

  it('HEXISTS and HSTRLEN', () => {
    const e = testEngine();
    e.run('HSET', 'h', 'f', 'hello');
    expect(e.run('HEXISTS', 'h', 'f')).toBe(1);
    expect(e.run('HEXISTS', 'h', 'g')).toBe(0);
    expect(e.run('HSTRLEN', 'h', 'f')).toBe(5);
    expect(e.run('HSTRLEN', 'h', 'g')).toBe(0);
  });

  it('HINCRBY can detect overflows and refuses values with spaces', () => {
    const e = testEngine();
    expect(e.run('HINCRBY', 'h', 'n', '17179869184')).toBe(17179869184);
    e.run('HSET', 'h', 'big', '9223372036854775807');
    expect(errorText(e.run('HINCRBY', 'h', 'big', '1'))).toBe('ERR increment or decrement would overflow');
    e.run('HSET', 'h', 'sp', ' 11');
    expect(errorText(e.run('HINCRBY', 'h', 'sp', '1'))).toBe('ERR hash value is not an integer');
    expect(errorText(e.run('HINCRBY', 'h', 'n', 'x'))).toBe('ERR value is not an integer or out of range');
  });

  it('Test HINCRBYFLOAT for correct float representation (issue #2846)', () => {
    const e = testEngine();
    expect(e.run('HINCRBYFLOAT', 'h', 'f', '1.23')).toBe('1.23');
    expect(e.run('HINCRBYFLOAT', 'h', 'f', '0.77')).toBe('2');
    expect(e.run('HINCRBYFLOAT', 'h', 'f', '-0.1')).toBe('1.9');
  });

  it('HINCRBYFLOAT does not allow NaN or Infinity', () => {
    const e = testEngine();
    expect(errorText(e.run('HINCRBYFLOAT', 'h', 'f', '+inf'))).toBe('ERR value is NaN or Infinity');
    e.run('HSET', 'h', 'sp', '1 ');
    expect(errorText(e.run('HINCRBYFLOAT', 'h', 'sp', '1'))).toBe('ERR hash value is not a float');
    e.run('HSET', 'h', 'max', '1.7e308');
    expect(errorText(e.run('HINCRBYFLOAT', 'h', 'max', '1.7e308'))).toBe('ERR increment would produce NaN or Infinity');
  });

  it('HRANDFIELD with <count>: positive counts are distinct, negative counts may repeat', () => {
    const e = testEngine();
    e.run('HSET', 'h', 'a', '1', 'b', '2', 'c', '3');
    expect(['a', 'b', 'c']).toContain(e.run('HRANDFIELD', 'h'));
    expect((e.run('HRANDFIELD', 'h', 10) as string[]).sort()).toEqual(['a', 'b', 'c']);
    expect(new Set(e.run('HRANDFIELD', 'h', 2) as string[]).size).toBe(2);
    const repeated = e.run('HRANDFIELD', 'h', -20) as string[];
    expect(repeated).toHaveLength(20);
    expect(new Set(repeated).size).toBeLessThanOrEqual(3);
    const pairs = e.run('HRANDFIELD', 'h', 2, 'WITHVALUES') as string[];
    expect(pairs).toHaveLength(4);
    expect(e.run('HGET', 'h', pairs[0]!)).toBe(pairs[1]);
    expect(e.run('HRANDFIELD', 'h', 0)).toEqual([]);
    expect(e.run('HRANDFIELD', 'nokey', 5)).toEqual([]);
    expect(e.run('HRANDFIELD', 'nokey')).toBeNull();
  });

  it('HRANDFIELD count overflow and syntax', () => {
    const e = testEngine();
    e.run('HSET', 'h', 'a', '1');
    expect(errorText(e.run('HRANDFIELD', 'h', '-9223372036854770000', 'WITHVALUES'))).toBe('ERR value is out of range');
    expect(errorText(e.run('HRANDFIELD', 'h', 1, 'WITHSCORES'))).toBe('ERR syntax error');
  });

  it('HRANDFIELD with RESP3 nests field-value pairs', () => {
    const e = testEngine();
    e.run('HSET', 'h', 'a', '1');
    e.session.protocol = 3;
    expect(e.run('HRANDFIELD', 'h', 1, 'WITHVALUES')).toEqual([['a', '1']]);
  });

  it('HSCAN returns all pairs across pages and filters with MATCH', () => {
    const e = testEngine();
    const fields: string[] = [];
    for (let i = 0; i < 100; i++) {
      e.run('HSET', 'h', `f${i}`, `v${i}`);
      fields.push(`f${i}`);
    }
    const seen = new Map<string, string>();
    let cursor = '0';
    do {
      const [next, items] = e.run('HSCAN', 'h', cursor, 'COUNT', 7) as [string, string[]];
      for (let i = 0; i < items.length; i += 2) seen.set(items[i]!, items[i + 1]!);
      cursor = next;
    } while (cursor !== '0');
    expect([...seen.keys()].sort()).toEqual(fields.sort());
    expect(seen.get('f42')).toBe('v42');
    const [, matched] = e.run('HSCAN', 'h', 0, 'MATCH', 'f1?', 'COUNT', 1000) as [string, string[]];
    expect(matched.filter((_, i) => i % 2 === 0).sort()).toEqual(['f10', 'f11', 'f12', 'f13', 'f14', 'f15', 'f16', 'f17', 'f18', 'f19']);
    expect(e.run('HSCAN', 'missing', 0)).toEqual(['0', []]);
    expect(errorText(e.run('HSCAN', 'h', 'abc'))).toBe('ERR invalid cursor');
    expect(errorText(e.run('HSCAN', 'h', 0, 'COUNT', 0))).toBe('ERR syntax error');
  });

  it('every write is seen by key listeners and the dirty counter; no-op writes are not', () => {
    const e = testEngine();
    const events: string[] = [];
    e.store.subscribe((_db, key, kind) => events.push(`${kind}:${key}`));
    e.run('HSET', 'h', 'a', '1');
    e.run('HSET', 'h', 'b', '2');
    const dirty = e.store.dirty;
    e.run('HDEL', 'h', 'zz');
    expect(e.store.dirty).toBe(dirty);
    e.run('HDEL', 'h', 'a', 'b');
    expect(events).toEqual(['modified:h', 'modified:h', 'modified:h']);
    expect(e.run('EXISTS', 'h')).toBe(0);
  });

  it('a hash with a TTL expires as a whole, and writes keep the TTL', () => {
    const e = testEngine();
    e.run('HSET', 'h', 'a', '1');
    e.run('PEXPIRE', 'h', 100);
    e.run('HSET', 'h', 'b', '2');
    expect(e.run('PTTL', 'h')).toBe(100);
    e.clock.advance(100);
    expect(e.run('HLEN', 'h')).toBe(0);
    expect(e.run('HSET', 'h', 'c', '3')).toBe(1);
    expect(e.run('PTTL', 'h')).toBe(-1);
  });
});
