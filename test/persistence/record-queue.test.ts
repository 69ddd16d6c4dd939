import { describe, expect, it } from 'vitest';
import { encodeAofRecord } from '../../src/persistence/aof-record.js';
import { RecordQueue } from '../../src/persistence/record-queue.js';

describe('RecordQueue', () => {
  it('seals the forms of one command into one record at their instant', () => {
    const queue = new RecordQueue();
    queue.add(0, ['DEL', 'evicted'], 1_000);
    queue.add(0, ['SET', 'k', 'v'], 1_000);
    expect(queue.seal()).toBe(true);
    expect(queue.sealed).toBe(1);
    expect(queue.peek()).toEqual(encodeAofRecord({ nowMs: 1_000, ops: [{ db: 0, argv: ['DEL', 'evicted'] }, { db: 0, argv: ['SET', 'k', 'v'] }] }));
  });

  it('starts a new record when a form of the unit ran at another instant, since a record replays at one', () => {
    // LPUSH at its batch's clock reading, then the BLMOVE it served at a fresh one: replayed at the
    // LPUSH's instant, a destination whose TTL fell in between would still be live.
    const queue = new RecordQueue();
    queue.add(0, ['LPUSH', 'src', 'x'], 1_000);
    queue.add(0, ['LMOVE', 'src', 'dst', 'RIGHT', 'LEFT'], 1_001);
    expect(queue.seal()).toBe(true);
    expect(queue.sealed).toBe(2);
    expect(queue.peek()).toEqual(
      Buffer.concat([
        encodeAofRecord({ nowMs: 1_000, ops: [{ db: 0, argv: ['LPUSH', 'src', 'x'] }] }),
        encodeAofRecord({ nowMs: 1_001, ops: [{ db: 0, argv: ['LMOVE', 'src', 'dst', 'RIGHT', 'LEFT'] }] }),
      ]),
    );
  });
});
