import { describe, expect, it } from 'vitest';
import { SetReply } from '../../src/commands/reply.js';
import { errorText, testEngine, type TestEngine } from '../support/engine.js';

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';

function members(e: TestEngine, ...argv: Array<string | number>): string[] {
  const reply = e.run(...argv);
  if (!(reply instanceof SetReply)) throw new Error(`expected a set reply, got ${JSON.stringify(reply)}`);
  return (reply.items as string[]).slice().sort();
}

describe('set commands', () => {
  it('SADD, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS basics', () => {
    const e = testEngine();
    expect(e.run('SADD', 's', 'a', 'b', 'a')).toBe(2);
    expect(e.run('SADD', 's', 'b')).toBe(0);
    expect(e.run('SCARD', 's')).toBe(2);
    expect(e.run('SISMEMBER', 's', 'a')).toBe(1);
    expect(e.run('SISMEMBER', 's', 'z')).toBe(0);
    expect(e.run('SMISMEMBER', 's', 'a', 'z', 'b')).toEqual([1, 0, 1]);
    expect(e.run('SMISMEMBER', 'nokey', 'a')).toEqual([0]);
    expect(members(e, 'SMEMBERS', 's')).toEqual(['a', 'b']);
    expect(e.run('TYPE', 's')).toEqual({ value: 'set' });
  });

  it('SREM basics and deleting the key when the set becomes empty', () => {
    const e = testEngine();
    e.run('SADD', 's', 'a', 'b');
    expect(e.run('SREM', 's', 'z')).toBe(0);
    expect(e.run('SREM', 's', 'a', 'b', 'c')).toBe(2);
    expect(e.run('EXISTS', 's')).toBe(0);
  });

  it('SADD against non set', () => {
    const e = testEngine();
    e.run('LPUSH', 'l', 'x');
    expect(errorText(e.run('SADD', 'l', 'a'))).toBe(WRONGTYPE);
    for (const argv of [['SMEMBERS', 'l'], ['SCARD', 'l'], ['SPOP', 'l'], ['SINTER', 'l'], ['SUNION', 'l'], ['SSCAN', 'l', 0]]) {
      expect(errorText(e.run(...argv))).toBe(WRONGTYPE);
    }
  });

  it('SINTER, SUNION, SDIFF against sets and missing keys', () => {
    const e = testEngine();
    e.run('SADD', 'a', '1', '2', '3', '4');
    e.run('SADD', 'b', '3', '4', '5');
    e.run('SADD', 'c', '4', '6');
    expect(members(e, 'SINTER', 'a', 'b')).toEqual(['3', '4']);
    expect(members(e, 'SINTER', 'a', 'b', 'c')).toEqual(['4']);
    expect(members(e, 'SINTER', 'a', 'missing')).toEqual([]);
    expect(members(e, 'SUNION', 'a', 'b', 'missing')).toEqual(['1', '2', '3', '4', '5']);
    expect(members(e, 'SDIFF', 'a', 'b', 'c')).toEqual(['1', '2']);
    expect(members(e, 'SDIFF', 'missing', 'a')).toEqual([]);
  });

  it('SINTER against three sets with one wrong-typed key is an error even after a missing key', () => {
    const e = testEngine();
    e.run('SADD', 'a', '1');
    e.run('SET', 'str', 'x');
    expect(errorText(e.run('SINTER', 'a', 'missing', 'str'))).toBe(WRONGTYPE);
  });

  it('SINTERSTORE, SUNIONSTORE, SDIFFSTORE replace the destination and delete it on an empty result', () => {
    const e = testEngine();
    e.run('SADD', 'a', '1', '2', '3');
    e.run('SADD', 'b', '2', '3', '4');
    e.run('SET', 'dst', 'old');
    e.run('EXPIRE', 'dst', 100);
    expect(e.run('SINTERSTORE', 'dst', 'a', 'b')).toBe(2);
    expect(members(e, 'SMEMBERS', 'dst')).toEqual(['2', '3']);
    expect(e.run('TTL', 'dst')).toBe(-1);
    expect(e.run('SUNIONSTORE', 'dst', 'a', 'b')).toBe(4);
    expect(e.run('SDIFFSTORE', 'dst', 'a', 'b')).toBe(1);
    expect(e.run('SINTERSTORE', 'dst', 'a', 'missing')).toBe(0);
    expect(e.run('EXISTS', 'dst')).toBe(0);
    expect(e.run('SUNIONSTORE', 'a', 'a', 'b')).toBe(4);
  });

  it('SINTERCARD with LIMIT and its argument errors', () => {
    const e = testEngine();
    e.run('SADD', 'a', '1', '2', '3', '4');
    e.run('SADD', 'b', '1', '2', '3', '5');
    expect(e.run('SINTERCARD', 2, 'a', 'b')).toBe(3);
    expect(e.run('SINTERCARD', 2, 'a', 'b', 'LIMIT', 2)).toBe(2);
    expect(e.run('SINTERCARD', 2, 'a', 'b', 'LIMIT', 0)).toBe(3);
    expect(e.run('SINTERCARD', 1, 'missing')).toBe(0);
    expect(errorText(e.run('SINTERCARD', 0, 'a'))).toBe('ERR numkeys should be greater than 0');
    expect(errorText(e.run('SINTERCARD', 'x', 'a'))).toBe('ERR numkeys should be greater than 0');
    expect(errorText(e.run('SINTERCARD', 3, 'a', 'b'))).toBe("ERR Number of keys can't be greater than number of args");
    expect(errorText(e.run('SINTERCARD', 2, 'a', 'b', 'LIMIT', -1))).toBe("ERR LIMIT can't be negative");
    expect(errorText(e.run('SINTERCARD', 2, 'a', 'b', 'LIMIT'))).toBe('ERR syntax error');
  });

  it('SPOP with and without count; SPOP new implementation: code path #1 (count >= size)', () => {
    const e = testEngine();
    e.run('SADD', 's', 'a', 'b', 'c', 'd', 'e');
    const one = e.run('SPOP', 's') as string;
    expect(['a', 'b', 'c', 'd', 'e']).toContain(one);
    const popped = members(e, 'SPOP', 's', 2);
    expect(popped).toHaveLength(2);
    expect(e.run('SCARD', 's')).toBe(2);
    expect(members(e, 'SPOP', 's', 10)).toHaveLength(2);
    expect(e.run('EXISTS', 's')).toBe(0);
    expect(e.run('SPOP', 's')).toBeNull();
    expect(members(e, 'SPOP', 's', 3)).toEqual([]);
    expect(errorText(e.run('SPOP', 's', -1))).toBe('ERR value is out of range, must be positive');
    expect(errorText(e.run('SPOP', 's', 1, 2))).toBe('ERR syntax error');
  });

  it('SRANDMEMBER with <count>: distinct for positive counts, repeats for negative', () => {
    const e = testEngine();
    e.run('SADD', 's', 'a', 'b', 'c');
    expect((e.run('SRANDMEMBER', 's', 10) as string[]).sort()).toEqual(['a', 'b', 'c']);
    expect(new Set(e.run('SRANDMEMBER', 's', 2) as string[]).size).toBe(2);
    expect(e.run('SRANDMEMBER', 's', -10)).toHaveLength(10);
    expect(e.run('SRANDMEMBER', 's', 0)).toEqual([]);
    expect(e.run('SRANDMEMBER', 'nokey', 3)).toEqual([]);
    expect(e.run('SRANDMEMBER', 'nokey')).toBeNull();
    expect(e.run('SCARD', 's')).toBe(3);
  });

  it('SRANDMEMBER histogram distribution is roughly uniform', () => {
    const e = testEngine();
    const all = Array.from({ length: 10 }, (_, i) => `m${i}`);
    e.run('SADD', 's', ...all);
    const counts = new Map<string, number>();
    for (const member of e.run('SRANDMEMBER', 's', -10000) as string[]) counts.set(member, (counts.get(member) ?? 0) + 1);
    for (const member of all) expect(counts.get(member)).toBeGreaterThan(800);
  });

  it('SMOVE basics, same key, missing source and wrong type destination', () => {
    const e = testEngine();
    e.run('SADD', 'src', 'a', 'b');
    expect(e.run('SMOVE', 'src', 'dst', 'a')).toBe(1);
    expect(e.run('SMOVE', 'src', 'dst', 'zz')).toBe(0);
    expect(members(e, 'SMEMBERS', 'dst')).toEqual(['a']);
    expect(e.run('SMOVE', 'src', 'src', 'b')).toBe(1);
    expect(e.run('SMOVE', 'missing', 'dst', 'a')).toBe(0);
    expect(e.run('SMOVE', 'src', 'dst', 'b')).toBe(1);
    expect(e.run('EXISTS', 'src')).toBe(0);
    e.run('SADD', 'src', 'x');
    e.run('SET', 'str', 'v');
    expect(errorText(e.run('SMOVE', 'src', 'str', 'x'))).toBe(WRONGTYPE);
    expect(e.run('SISMEMBER', 'src', 'x')).toBe(1);
  });

  it('SSCAN covers every member and honours MATCH', () => {
    const e = testEngine();
    const all = Array.from({ length: 50 }, (_, i) => `m${i}`);
    e.run('SADD', 's', ...all);
    const seen = new Set<string>();
    let cursor = '0';
    do {
      const [next, items] = e.run('SSCAN', 's', cursor, 'COUNT', 5) as [string, string[]];
      items.forEach((item) => seen.add(item));
      cursor = next;
    } while (cursor !== '0');
    expect([...seen].sort()).toEqual(all.sort());
    const [, matched] = e.run('SSCAN', 's', 0, 'MATCH', 'm4*', 'COUNT', 100) as [string, string[]];
    expect(matched.sort()).toEqual(['m4', 'm40', 'm41', 'm42', 'm43', 'm44', 'm45', 'm46', 'm47', 'm48', 'm49']);
  });
});
