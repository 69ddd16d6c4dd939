import { describe, expect, it } from 'vitest';
import { HashValue } from '../../../src/store/types/hash-value.js';
import { SetValue } from '../../../src/store/types/set-value.js';
import { SortedSetValue } from '../../../src/store/types/sorted-set-value.js';

function scanAll(set: SetValue, count: number, between: () => void = () => {}): string[] {
  const seen: string[] = [];
  let cursor = 0;
  do {
    cursor = set.scan(cursor, count, (position) => seen.push(set.memberAt(position)));
    between();
  } while (cursor !== 0);
  return seen;
}

describe('dense sets and maps', () => {
  it('SetValue adds, removes by swapping the last member in, and answers membership', () => {
    const set = SetValue.of(['a', 'b', 'c', 'd']);
    expect(set.add('a')).toBe(false);
    expect(set.delete('b')).toBe(true);
    expect(set.delete('b')).toBe(false);
    expect(set.has('d')).toBe(true);
    expect([...set].sort()).toEqual(['a', 'c', 'd']);
    expect(set.size).toBe(3);
  });

  it('scan returns every member exactly once when nothing changes', () => {
    const members = Array.from({ length: 257 }, (_, i) => `m${i}`);
    const seen = scanAll(SetValue.of(members), 10);
    expect(seen.sort()).toEqual([...members].sort());
  });

  it('scan returns every member present throughout while others are added and removed', () => {
    const stable = Array.from({ length: 300 }, (_, i) => `keep${i}`);
    const set = SetValue.of(stable);
    const added: string[] = [];
    const seen = new Set(
      scanAll(set, 7, () => {
        for (let i = 0; i < 5; i++) set.add(`new${added.push(`new${added.length}`) - 1}`);
        for (let i = 0; i < 4; i++) set.delete(added[Math.floor(Math.random() * added.length)]!);
      }),
    );
    for (const member of stable) expect(seen.has(member)).toBe(true);
  });

  it('scan never misses a stable member when removals pull members from the end', () => {
    const stable = Array.from({ length: 100 }, (_, i) => `s${i}`);
    const doomed = Array.from({ length: 100 }, (_, i) => `d${i}`);
    const set = SetValue.of([...doomed, ...stable]);
    let next = 0;
    const seen = new Set(scanAll(set, 3, () => set.delete(doomed[next++] ?? '')));
    for (const member of stable) expect(seen.has(member)).toBe(true);
  });

  it('HashValue keeps values parallel to fields through swap-removal', () => {
    const hash = HashValue.of([['a', '1'], ['b', '2'], ['c', '3']]);
    hash.delete('a');
    expect(hash.get('c')).toBe('3');
    expect(hash.set('c', '33')).toBe(false);
    expect(Object.fromEntries(hash.pairs())).toEqual({ b: '2', c: '33' });
    const copy = hash.clone();
    copy.set('z', '0');
    expect(hash.has('z')).toBe(false);
  });

  it('SortedSetValue keeps the index and the skip list in step', () => {
    const zset = SortedSetValue.of([['a', 1], ['b', 2], ['c', 3]]);
    expect(zset.set('a', 5)).toBe(false);
    expect(zset.rank('a')).toBe(2);
    expect(zset.at(0)?.member).toBe('b');
    expect(zset.deleteScoreRange({ min: 2, max: 3, minExclusive: false, maxExclusive: false })).toBe(2);
    expect(zset.size).toBe(1);
    expect(zset.score('b')).toBeUndefined();
    expect(zset.randomNode().member).toBe('a');
    const copy = zset.clone();
    copy.delete('a');
    expect(zset.score('a')).toBe(5);
  });
});
