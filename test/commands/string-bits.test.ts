import { describe, expect, it } from 'vitest';
import { MapReply } from '../../src/commands/reply.js';
import { errorText, testEngine } from '../support/engine.js';

describe('SETBIT / GETBIT', () => {
  it('sets bits most-significant first, growing the string with zero bytes', () => {
    const t = testEngine();
    expect(t.run('SETBIT', 'bits', 1, 1)).toBe(0);
    expect(t.run('GET', 'bits')).toBe('\x40');
    expect(t.run('SETBIT', 'bits', 17, 1)).toBe(0);
    expect(t.run('GET', 'bits')).toBe('\x40\x00\x40');
    expect(t.run('SETBIT', 'bits', 1, 0)).toBe(1);
    expect(t.run('GETBIT', 'bits', 17)).toBe(1);
    expect(t.run('GETBIT', 'bits', 1)).toBe(0);
    expect(t.run('GETBIT', 'bits', 10_000)).toBe(0);
    expect(t.run('GETBIT', 'missing', 0)).toBe(0);
  });

  it("refuses bad offsets and bit values with Redis's texts", () => {
    const t = testEngine();
    for (const offset of ['-1', 'x', String(4 * 1024 ** 3)]) {
      expect(errorText(t.run('SETBIT', 'k', offset, 1))).toBe('ERR bit offset is not an integer or out of range');
    }
    for (const bit of ['2', '-1', '10', 'a']) {
      expect(errorText(t.run('SETBIT', 'k', 0, bit))).toBe('ERR bit is not an integer or out of range');
    }
  });
});

describe('LCS', () => {
  const setup = (): ReturnType<typeof testEngine> => {
    const t = testEngine();
    t.run('SET', 'key1', 'ohmytext');
    t.run('SET', 'key2', 'mynewtext');
    return t;
  };

  it('returns the longest common subsequence or its length', () => {
    const t = setup();
    expect(t.run('LCS', 'key1', 'key2')).toBe('mytext');
    expect(t.run('LCS', 'key1', 'key2', 'LEN')).toBe(6);
    expect(t.run('LCS', 'key1', 'missing')).toBe('');
  });

  it('lists matches last-first with IDX, WITHMATCHLEN and MINMATCHLEN', () => {
    const t = setup();
    expect(t.run('LCS', 'key1', 'key2', 'IDX')).toEqual(new MapReply([['matches', [[[4, 7], [5, 8]], [[2, 3], [0, 1]]]], ['len', 6]]));
    expect(t.run('LCS', 'key1', 'key2', 'IDX', 'MINMATCHLEN', 4, 'WITHMATCHLEN')).toEqual(
      new MapReply([['matches', [[[4, 7], [5, 8], 4]]], ['len', 6]]),
    );
  });

  it('refuses LEN with IDX and non-string keys', () => {
    const t = setup();
    expect(errorText(t.run('LCS', 'key1', 'key2', 'LEN', 'IDX'))).toBe('ERR If you want both the length and indexes, please just use IDX.');
    t.run('HSET', 'hash', 'f', 'v');
    expect(errorText(t.run('LCS', 'key1', 'hash'))).toBe('ERR The specified keys must contain string values');
  });
});
