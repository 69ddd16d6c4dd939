import { describe, expect, it } from 'vitest';
import { NullArray } from '../../src/commands/reply.js';
import { errorText, testEngine } from '../support/engine.js';

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';

describe('list commands', () => {
  it('LPUSH, RPUSH, LLENGTH, LINDEX, LPOP', () => {
    const e = testEngine();
    expect(e.run('LPUSH', 'l', 'a')).toBe(1);
    expect(e.run('RPUSH', 'l', 'b', 'c')).toBe(3);
    expect(e.run('LPUSH', 'l', 'x', 'y')).toBe(5);
    expect(e.run('LRANGE', 'l', 0, -1)).toEqual(['y', 'x', 'a', 'b', 'c']);
    expect(e.run('LLEN', 'l')).toBe(5);
    expect(e.run('LINDEX', 'l', 0)).toBe('y');
    expect(e.run('LINDEX', 'l', -1)).toBe('c');
    expect(e.run('LINDEX', 'l', 100)).toBeNull();
    expect(e.run('LPOP', 'l')).toBe('y');
    expect(e.run('RPOP', 'l')).toBe('c');
    expect(e.run('TYPE', 'l')).toEqual({ value: 'list' });
  });

  it('LPOP/RPOP with the optional count argument', () => {
    const e = testEngine();
    e.run('RPUSH', 'l', 'a', 'b', 'c', 'd');
    expect(e.run('LPOP', 'l', 2)).toEqual(['a', 'b']);
    expect(e.run('RPOP', 'l', 5)).toEqual(['d', 'c']);
    expect(e.run('EXISTS', 'l')).toBe(0);
    expect(e.run('LPOP', 'l', 2)).toBe(NullArray.instance);
    expect(e.run('LPOP', 'l')).toBeNull();
    e.run('RPUSH', 'l', 'a');
    expect(e.run('LPOP', 'l', 0)).toEqual([]);
    expect(errorText(e.run('LPOP', 'l', -1))).toBe('ERR value is out of range, must be positive');
    expect(errorText(e.run('LPOP', 'l', 1, 2))).toBe("ERR wrong number of arguments for 'lpop' command");
  });

  it('LPUSHX, RPUSHX - generic', () => {
    const e = testEngine();
    expect(e.run('LPUSHX', 'nolist', 'a')).toBe(0);
    expect(e.run('EXISTS', 'nolist')).toBe(0);
    e.run('RPUSH', 'l', 'b');
    expect(e.run('LPUSHX', 'l', 'a')).toBe(2);
    expect(e.run('RPUSHX', 'l', 'c', 'd')).toBe(4);
    expect(e.run('LRANGE', 'l', 0, -1)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('LRANGE clamps out of range and inverted indexes', () => {
    const e = testEngine();
    e.run('RPUSH', 'l', '1', '2', '3', '4', '5');
    expect(e.run('LRANGE', 'l', 1, -2)).toEqual(['2', '3', '4']);
    expect(e.run('LRANGE', 'l', -3, -1)).toEqual(['3', '4', '5']);
    expect(e.run('LRANGE', 'l', -100, 1)).toEqual(['1', '2']);
    expect(e.run('LRANGE', 'l', 3, 100)).toEqual(['4', '5']);
    expect(e.run('LRANGE', 'l', 4, 2)).toEqual([]);
    expect(e.run('LRANGE', 'l', 5, 10)).toEqual([]);
    expect(e.run('LRANGE', 'nokey', 0, -1)).toEqual([]);
    expect(errorText(e.run('LRANGE', 'l', 'a', 1))).toBe('ERR value is not an integer or out of range');
  });

  it('LTRIM keeps the range and deletes the key when nothing is left', () => {
    const e = testEngine();
    e.run('RPUSH', 'l', '1', '2', '3', '4', '5');
    expect(e.run('LTRIM', 'l', 1, -2)).toEqual({ value: 'OK' });
    expect(e.run('LRANGE', 'l', 0, -1)).toEqual(['2', '3', '4']);
    e.run('LTRIM', 'l', 0, 0);
    expect(e.run('LRANGE', 'l', 0, -1)).toEqual(['2']);
    e.run('LTRIM', 'l', 5, 10);
    expect(e.run('EXISTS', 'l')).toBe(0);
    expect(e.run('LTRIM', 'nokey', 0, 1)).toEqual({ value: 'OK' });
  });

  it('LSET and out of range / missing key errors', () => {
    const e = testEngine();
    e.run('RPUSH', 'l', 'a', 'b');
    expect(e.run('LSET', 'l', -1, 'z')).toEqual({ value: 'OK' });
    expect(e.run('LRANGE', 'l', 0, -1)).toEqual(['a', 'z']);
    expect(errorText(e.run('LSET', 'l', 2, 'x'))).toBe('ERR index out of range');
    expect(errorText(e.run('LSET', 'nokey', 0, 'x'))).toBe('ERR no such key');
  });

  it('LINSERT before and after a pivot, -1 when the pivot is missing', () => {
    const e = testEngine();
    e.run('RPUSH', 'l', 'a', 'c');
    expect(e.run('LINSERT', 'l', 'BEFORE', 'c', 'b')).toBe(3);
    expect(e.run('LINSERT', 'l', 'after', 'c', 'd')).toBe(4);
    expect(e.run('LINSERT', 'l', 'AFTER', 'zz', 'x')).toBe(-1);
    expect(e.run('LINSERT', 'nokey', 'AFTER', 'a', 'x')).toBe(0);
    expect(errorText(e.run('LINSERT', 'l', 'MIDDLE', 'a', 'x'))).toBe('ERR syntax error');
    expect(e.run('LRANGE', 'l', 0, -1)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('LREM removes from the head, the tail, or everywhere', () => {
    const e = testEngine();
    e.run('RPUSH', 'l', 'x', 'a', 'x', 'b', 'x', 'c', 'x');
    expect(e.run('LREM', 'l', 2, 'x')).toBe(2);
    expect(e.run('LRANGE', 'l', 0, -1)).toEqual(['a', 'b', 'x', 'c', 'x']);
    expect(e.run('LREM', 'l', -1, 'x')).toBe(1);
    expect(e.run('LRANGE', 'l', 0, -1)).toEqual(['a', 'b', 'x', 'c']);
    expect(e.run('LREM', 'l', 0, 'x')).toBe(1);
    expect(e.run('LREM', 'l', 0, 'nothere')).toBe(0);
    e.run('LREM', 'l', 0, 'a');
    e.run('LREM', 'l', 0, 'b');
    e.run('LREM', 'l', 0, 'c');
    expect(e.run('EXISTS', 'l')).toBe(0);
  });

  it('LPOS basic usage, RANK, COUNT and MAXLEN', () => {
    const e = testEngine();
    e.run('RPUSH', 'l', 'a', 'b', 'c', '1', '2', '3', 'c', 'c');
    expect(e.run('LPOS', 'l', 'a')).toBe(0);
    expect(e.run('LPOS', 'l', 'c')).toBe(2);
    expect(e.run('LPOS', 'l', 'c', 'RANK', 2)).toBe(6);
    expect(e.run('LPOS', 'l', 'c', 'RANK', -1)).toBe(7);
    expect(e.run('LPOS', 'l', 'c', 'COUNT', 0)).toEqual([2, 6, 7]);
    expect(e.run('LPOS', 'l', 'c', 'COUNT', 2, 'RANK', -1)).toEqual([7, 6]);
    expect(e.run('LPOS', 'l', 'c', 'COUNT', 0, 'MAXLEN', 7)).toEqual([2, 6]);
    expect(e.run('LPOS', 'l', 'x')).toBeNull();
    expect(e.run('LPOS', 'l', 'x', 'COUNT', 1)).toEqual([]);
    expect(errorText(e.run('LPOS', 'l', 'c', 'RANK', 0))).toMatch(/^ERR RANK can't be zero/);
    expect(errorText(e.run('LPOS', 'l', 'c', 'COUNT', -1))).toBe("ERR COUNT can't be negative");
    expect(errorText(e.run('LPOS', 'l', 'c', 'MAXLEN', -1))).toBe("ERR MAXLEN can't be negative");
    expect(errorText(e.run('LPOS', 'l', 'c', 'RANK'))).toBe('ERR syntax error');
  });

  it('LMOVE and RPOPLPUSH between lists, with rotation on the same key', () => {
    const e = testEngine();
    e.run('RPUSH', 'src', 'a', 'b', 'c');
    expect(e.run('RPOPLPUSH', 'src', 'dst')).toBe('c');
    expect(e.run('LMOVE', 'src', 'dst', 'LEFT', 'RIGHT')).toBe('a');
    expect(e.run('LRANGE', 'dst', 0, -1)).toEqual(['c', 'a']);
    expect(e.run('LMOVE', 'dst', 'dst', 'LEFT', 'RIGHT')).toBe('c');
    expect(e.run('LRANGE', 'dst', 0, -1)).toEqual(['a', 'c']);
    expect(e.run('LMOVE', 'src', 'dst', 'RIGHT', 'LEFT')).toBe('b');
    expect(e.run('EXISTS', 'src')).toBe(0);
    expect(e.run('LMOVE', 'src', 'dst', 'LEFT', 'LEFT')).toBeNull();
    expect(errorText(e.run('LMOVE', 'dst', 'x', 'UP', 'LEFT'))).toBe('ERR syntax error');
  });

  it('LMOVE against a wrong-typed destination moves nothing', () => {
    const e = testEngine();
    e.run('RPUSH', 'src', 'a');
    e.run('SET', 'str', 'v');
    expect(errorText(e.run('LMOVE', 'src', 'str', 'LEFT', 'LEFT'))).toBe(WRONGTYPE);
    expect(e.run('LRANGE', 'src', 0, -1)).toEqual(['a']);
  });

  it('LMPOP pops from the first non-empty list', () => {
    const e = testEngine();
    e.run('RPUSH', 'b', '1', '2', '3');
    expect(e.run('LMPOP', 2, 'a', 'b', 'LEFT')).toEqual(['b', ['1']]);
    expect(e.run('LMPOP', 2, 'a', 'b', 'RIGHT', 'COUNT', 10)).toEqual(['b', ['3', '2']]);
    expect(e.run('LMPOP', 2, 'a', 'b', 'LEFT')).toBe(NullArray.instance);
    expect(errorText(e.run('LMPOP', 0, 'a', 'LEFT'))).toBe('ERR numkeys should be greater than 0');
    expect(errorText(e.run('LMPOP', 3, 'a', 'LEFT'))).toBe("ERR Number of keys can't be greater than number of args");
    expect(errorText(e.run('LMPOP', 1, 'a', 'LEFT', 'COUNT', 0))).toBe('ERR count should be greater than 0');
    expect(errorText(e.run('LMPOP', 1, 'a', 'MIDDLE'))).toBe('ERR syntax error');
    expect(errorText(e.run('LMPOP', 1, 'a'))).toBe("ERR wrong number of arguments for 'lmpop' command");
    expect(errorText(e.run('LMPOP', 2, 'a', 'b'))).toBe('ERR syntax error');
    expect(errorText(e.run('LMPOP', 1, 'a', 'LEFT', 'COUNT', 1, 'COUNT', 1))).toBe('ERR syntax error');
  });

  it('answers WRONGTYPE for list commands against other types', () => {
    const e = testEngine();
    e.run('SET', 's', 'v');
    for (const argv of [['LPUSH', 's', 'a'], ['LPOP', 's'], ['LRANGE', 's', 0, 1], ['LLEN', 's'], ['LINDEX', 's', 0], ['LPOS', 's', 'a'], ['LMPOP', 1, 's', 'LEFT']]) {
      expect(errorText(e.run(...argv))).toBe(WRONGTYPE);
    }
  });

  it('a push is observable by key listeners (the seam blocking pops will use)', () => {
    const e = testEngine();
    const events: string[] = [];
    e.store.subscribe((db, key, kind) => events.push(`${db}:${kind}:${key}`));
    e.run('RPUSH', 'q', 'a');
    e.run('RPUSH', 'q', 'b');
    e.run('LPOP', 'q', 2);
    expect(events).toEqual(['0:modified:q', '0:modified:q', '0:modified:q']);
  });
});
