import { describe, expect, it } from 'vitest';
import { ListValue } from '../../../src/store/types/list-value.js';

describe('ListValue (ring-buffer deque)', () => {
  it('matches an array model under random pushes and pops at both ends', () => {
    const list = new ListValue();
    const model: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const op = Math.floor(Math.random() * 4);
      if (op === 0) { list.pushFront(`f${i}`); model.unshift(`f${i}`); }
      else if (op === 1) { list.pushBack(`b${i}`); model.push(`b${i}`); }
      else if (op === 2) expect(list.popFront()).toBe(model.shift());
      else expect(list.popBack()).toBe(model.pop());
      expect(list.length).toBe(model.length);
    }
    expect([...list]).toEqual(model);
    model.forEach((item, i) => expect(list.at(i)).toBe(item));
  });

  it('wraps around the buffer and grows without losing order', () => {
    const list = new ListValue();
    for (let i = 0; i < 6; i++) list.pushBack(String(i));
    for (let i = 0; i < 4; i++) list.popFront();
    for (let i = 6; i < 40; i++) list.pushBack(String(i));
    for (let i = 0; i < 3; i++) list.pushFront(`x${i}`);
    expect(list.range(0, 4)).toEqual(['x2', 'x1', 'x0', '4', '5']);
    expect(list.at(list.length - 1)).toBe('39');
    expect(list.at(list.length)).toBeUndefined();
    expect(list.at(-1)).toBeUndefined();
  });

  it('inserts, retains and replaces in the middle', () => {
    const list = ListValue.of(['a', 'b', 'c']);
    list.insertAt(1, 'x');
    list.insertAt(4, 'end');
    list.setAt(0, 'A');
    expect([...list]).toEqual(['A', 'x', 'b', 'c', 'end']);
    list.retain((item) => item !== 'x');
    expect([...list]).toEqual(['A', 'b', 'c', 'end']);
    expect(() => list.setAt(4, 'no')).toThrow(RangeError);
  });

  it('shrinks a drained queue and still works afterwards', () => {
    const list = new ListValue();
    for (let i = 0; i < 1000; i++) list.pushBack(String(i));
    for (let i = 0; i < 998; i++) list.popFront();
    expect([...list]).toEqual(['998', '999']);
    list.pushFront('a');
    expect([...list]).toEqual(['a', '998', '999']);
  });

  it('clones deeply', () => {
    const list = ListValue.of(['a']);
    const copy = list.clone();
    copy.pushBack('b');
    expect([...list]).toEqual(['a']);
    expect(copy.type).toBe('list');
  });
});
