import { describe, expect, it } from 'vitest';
import { SkipList, type SkipNode } from '../../../src/store/types/skip-list.js';
import type { ScoreRange } from '../../../src/store/types/ranges.js';

type Pair = [number, string];

function compare(a: Pair, b: Pair): number {
  return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
}

function contents(list: SkipList): Pair[] {
  const out: Pair[] = [];
  for (let node: SkipNode | null = list.first; node !== null; node = node.next[0] ?? null) out.push([node.score, node.member]);
  return out;
}

function backwards(list: SkipList): Pair[] {
  const out: Pair[] = [];
  for (let node = list.tail; node !== null; node = node.backward) out.push([node.score, node.member]);
  return out.reverse();
}

const range = (min: number, max: number, minExclusive = false, maxExclusive = false): ScoreRange => ({ min, max, minExclusive, maxExclusive });

describe('SkipList', () => {
  it('keeps (score, member) order, back links and ranks consistent under random inserts and deletes', () => {
    const list = new SkipList();
    const model: Pair[] = [];
    for (let i = 0; i < 3000; i++) {
      const score = Math.floor(Math.random() * 50);
      const member = `m${Math.floor(Math.random() * 400)}`;
      const existing = model.findIndex((p) => p[1] === member);
      if (existing !== -1) {
        expect(list.delete(model[existing]![0], member)).toBe(true);
        model.splice(existing, 1);
      }
      if (Math.random() < 0.7) {
        list.insert(score, member);
        model.push([score, member]);
      }
    }
    model.sort(compare);
    expect(contents(list)).toEqual(model);
    expect(backwards(list)).toEqual(model);
    expect(list.length).toBe(model.length);
    model.forEach(([score, member], index) => {
      expect(list.rankOf(score, member)).toBe(index + 1);
      expect(list.byRank(index + 1)?.member).toBe(member);
    });
    expect(list.byRank(0)).toBeNull();
    expect(list.byRank(model.length + 1)).toBeNull();
  });

  it('orders equal scores by member bytes', () => {
    const list = new SkipList();
    for (const member of ['b', '\xff', 'a', 'A', '\x00']) list.insert(1, member);
    expect(contents(list).map((p) => p[1])).toEqual(['\x00', 'A', 'a', 'b', '\xff']);
  });

  it('updates a score in place when the order holds and moves the node when it does not', () => {
    const list = new SkipList();
    const a = list.insert(1, 'a');
    list.insert(5, 'b');
    expect(list.updateScore(a, 2)).toBe(a);
    const moved = list.updateScore(a, 10);
    expect(contents(list)).toEqual([[5, 'b'], [10, 'a']]);
    expect(list.rankOf(10, moved.member)).toBe(2);
  });

  it('finds the first and last node of inclusive and exclusive score ranges', () => {
    const list = new SkipList();
    for (let i = 1; i <= 10; i++) list.insert(i, `m${i}`);
    expect(list.firstInScoreRange(range(3, 7))?.score).toBe(3);
    expect(list.lastInScoreRange(range(3, 7))?.score).toBe(7);
    expect(list.firstInScoreRange(range(3, 7, true, true))?.score).toBe(4);
    expect(list.lastInScoreRange(range(3, 7, true, true))?.score).toBe(6);
    expect(list.firstInScoreRange(range(-Infinity, Infinity))?.score).toBe(1);
    expect(list.firstInScoreRange(range(10, Infinity, true))).toBeNull();
    expect(list.lastInScoreRange(range(-Infinity, 1, false, true))).toBeNull();
  });

  it('deletes score, lex and rank ranges and keeps spans right', () => {
    const list = new SkipList();
    for (let i = 1; i <= 20; i++) list.insert(i, `m${String(i).padStart(2, '0')}`);
    const removed: number[] = [];
    expect(list.deleteScoreRange(range(3, 5), (n) => removed.push(n.score))).toBe(3);
    expect(removed).toEqual([3, 4, 5]);
    expect(list.deleteRankRange(1, 2, () => {})).toBe(2);
    expect(list.first?.score).toBe(6);
    const lex = { min: { value: 'm10', exclusive: false }, max: { value: 'm12', exclusive: true } } as const;
    expect(list.deleteLexRange(lex, () => {})).toBe(2);
    const left = contents(list).map((p) => p[0]);
    expect(left).toEqual([6, 7, 8, 9, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    left.forEach((score, i) => expect(list.byRank(i + 1)?.score).toBe(score));
    expect(list.length).toBe(13);
  });

  // Counts node visits instead of timing: the cost of an insert or a rank lookup must grow with
  // log(n), so going from 1k to 1M members (×1000) may only about double it.
  it('insert and rank cost grows logarithmically from 1k to 1M members', () => {
    const probes = 2000;
    const costAt = (size: number) => {
      const list = new SkipList();
      // Filling in ascending order builds the same random-level structure much faster (cache-friendly).
      for (let i = 0; i < size; i++) list.insert(i / size, `m${i}`);
      list.visits = 0;
      for (let i = 0; i < probes; i++) list.insert(Math.random(), `p${i}`);
      const insertVisits = list.visits / probes;
      list.visits = 0;
      for (let i = 0; i < probes; i++) list.byRank(1 + Math.floor(Math.random() * list.length));
      return { insertVisits, rankVisits: list.visits / probes };
    };
    const small = costAt(1_000);
    const large = costAt(1_000_000);
    for (const key of ['insertVisits', 'rankVisits'] as const) {
      expect(large[key] / small[key]).toBeLessThan(3.5);
      expect(large[key]).toBeLessThan(4 * Math.log2(1_000_000));
    }
  }, 120_000);
});
