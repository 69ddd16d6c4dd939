import { describe, expect, it } from 'vitest';
import type { ClientSession } from '../../src/commands/types.js';
import { errorText, testEngine, type TestEngine } from '../support/engine.js';
import { dumpStore, recordPropagation } from './aof-loader-support.js';

const HOUR_MS = 3_600_000;

/** Engine A runs the commands and records; engine B replays the records an hour later and must end up identical. */
function scenario(setup: (a: TestEngine) => void) {
  const a = testEngine();
  const records = recordPropagation(a);
  setup(a);
  const b = testEngine();
  b.clock.set(a.clock.nowMs() + HOUR_MS);
  const session: ClientSession = b.newSession('internal', true);
  for (const record of records) {
    for (const op of record.ops) {
      session.db = op.db;
      const reply = b.dispatcher.replay([...op.argv], session, record.nowMs);
      if (reply instanceof Error) throw new Error(`replaying ${op.argv.join(' ')}: ${reply.message}`);
    }
  }
  return { a, b, forms: records.flatMap((record) => record.ops.map((op) => op.argv)) };
}

function expectSameState(a: TestEngine, b: TestEngine): void {
  expect(dumpStore(b.store)).toEqual(dumpStore(a.store));
}

describe('replayable forms', () => {
  it('SET with EX / PX becomes SET key value PXAT, dropping NX / XX / GET; KEEPTTL records the kept time', () => {
    const { a, b, forms } = scenario((a) => {
      a.run('SET', 'ex', 'v', 'EX', 10);
      a.run('SET', 'px', 'v', 'NX', 'GET', 'PX', 2500);
      a.run('SET', 'px', 'w', 'XX', 'KEEPTTL');
      a.run('SET', 'plain', 'v', 'XX'); // refused: nothing recorded
      a.run('SET', 'plain', 'v', 'NX');
    });
    const t = a.clock.nowMs();
    expect(forms).toEqual([
      ['SET', 'ex', 'v', 'PXAT', String(t + 10_000)],
      ['SET', 'px', 'v', 'PXAT', String(t + 2_500)],
      ['SET', 'px', 'w', 'PXAT', String(t + 2_500)],
      ['SET', 'plain', 'v'],
    ]);
    expectSameState(a, b);
  });

  it('SETEX and PSETEX become SET … PXAT', () => {
    const { a, b, forms } = scenario((a) => {
      a.run('SETEX', 's', 5, 'v1');
      a.run('PSETEX', 'p', 50, 'v2');
    });
    const t = a.clock.nowMs();
    expect(forms).toEqual([['SET', 's', 'v1', 'PXAT', String(t + 5_000)], ['SET', 'p', 'v2', 'PXAT', String(t + 50)]]);
    expectSameState(a, b);
  });

  it('the largest int64 expiry a client may send replays (2^63 as a double is written back as int64 max)', () => {
    const { a, b, forms } = scenario((a) => {
      a.run('SET', 'far', 'v', 'PXAT', '9223372036854775807');
      a.run('SET', 'near', 'v');
      a.run('PEXPIREAT', 'near', '9223372036854775807');
    });
    expect(forms).toEqual([
      ['SET', 'far', 'v', 'PXAT', '9223372036854775807'],
      ['SET', 'near', 'v'],
      ['PEXPIREAT', 'near', '9223372036854775807'],
    ]);
    expectSameState(a, b);
  });

  it('GETEX EX / PX / EXAT become PEXPIREAT, PERSIST stays, a time in the past becomes DEL', () => {
    const { a, b, forms } = scenario((a) => {
      for (const key of ['ex', 'px', 'exat', 'persist', 'past']) a.run('SET', key, 'v', 'EX', 100);
      a.run('GETEX', 'ex', 'EX', 7);
      a.run('GETEX', 'px', 'PX', 700);
      a.run('GETEX', 'exat', 'EXAT', Math.floor(a.clock.nowMs() / 1000) + 30);
      a.run('GETEX', 'persist', 'PERSIST');
      a.run('GETEX', 'past', 'PXAT', 1);
      a.run('GETEX', 'missing', 'EX', 5);
    });
    const t = a.clock.nowMs();
    expect(forms.slice(5)).toEqual([
      ['PEXPIREAT', 'ex', String(t + 7_000)],
      ['PEXPIREAT', 'px', String(t + 700)],
      ['PEXPIREAT', 'exat', String((Math.floor(t / 1000) + 30) * 1000)],
      ['PERSIST', 'persist'],
      ['DEL', 'past'],
    ]);
    expectSameState(a, b);
  });

  it('EXPIRE, PEXPIRE, EXPIREAT and PEXPIREAT become PEXPIREAT, or DEL when they deleted', () => {
    const { a, b, forms } = scenario((a) => {
      for (const key of ['e', 'pe', 'ea', 'pea', 'gone', 'gone2', 'kept']) a.run('SET', key, 'v');
      a.run('EXPIRE', 'e', 10);
      a.run('PEXPIRE', 'pe', 1500, 'NX');
      a.run('EXPIREAT', 'ea', Math.floor(a.clock.nowMs() / 1000) + 60);
      a.run('PEXPIREAT', 'pea', a.clock.nowMs() + 99);
      a.run('EXPIRE', 'gone', -1);
      a.run('EXPIREAT', 'gone2', 1);
      a.run('EXPIRE', 'kept', 10, 'XX'); // refused by XX: nothing recorded
      a.run('EXPIRE', 'missing', 10);
    });
    const t = a.clock.nowMs();
    expect(forms.slice(7)).toEqual([
      ['PEXPIREAT', 'e', String(t + 10_000)],
      ['PEXPIREAT', 'pe', String(t + 1_500)],
      ['PEXPIREAT', 'ea', String((Math.floor(t / 1000) + 60) * 1000)],
      ['PEXPIREAT', 'pea', String(t + 99)],
      ['DEL', 'gone'],
      ['DEL', 'gone2'],
    ]);
    expectSameState(a, b);
  });

  it('SPOP becomes SREM of the members it picked, or DEL when it emptied the set', () => {
    const members = Array.from({ length: 40 }, (_, i) => `m${i}`);
    const { a, b, forms } = scenario((a) => {
      a.run('SADD', 's', ...members);
      a.run('SPOP', 's');
      a.run('SPOP', 's', 5);
      a.run('SADD', 'small', 'x', 'y');
      a.run('SPOP', 'small', 10);
      a.run('SPOP', 'missing');
    });
    expect(forms[1]![0]).toBe('SREM');
    expect(forms[1]).toHaveLength(3);
    expect(forms[2]!.slice(0, 2)).toEqual(['SREM', 's']);
    expect(forms[2]).toHaveLength(7);
    expect(forms[4]).toEqual(['DEL', 'small']);
    expect(forms).toHaveLength(5);
    expectSameState(a, b);
  });

  it('INCRBYFLOAT becomes SET key result KEEPTTL and HINCRBYFLOAT becomes HSET key field result', () => {
    const { a, b, forms } = scenario((a) => {
      a.run('SET', 'f', '10.5', 'EX', 100);
      a.run('INCRBYFLOAT', 'f', '0.1');
      a.run('HINCRBYFLOAT', 'h', 'field', '3.0e3');
    });
    expect(forms.slice(1)).toEqual([['SET', 'f', '10.6', 'KEEPTTL'], ['HSET', 'h', 'field', '3000']]);
    expectSameState(a, b);
  });

  it('REST writes record absolute times and drop their preconditions; larder.del becomes DEL', () => {
    const { a, b, forms } = scenario((a) => {
      const rest = a.newSession('internal', true);
      const run = (...argv: string[]) => a.dispatcher.dispatch(argv, rest);
      run('larder.put', 'doc', '{"a":1}', 'application/json', 'PX', '5000');
      const [, etag] = run('larder.put', 'doc', '{"a":2}', 'application/json', 'KEEPTTL') as [string, string];
      run('larder.put', 'doc', '{"a":3}', 'application/json', 'IFMATCH', etag);
      run('larder.put', 'doc', 'nope', '', 'NX'); // refused: nothing recorded
      run('larder.replace', 'list', 'list', 'PX', '900', 'ITEMS', 'a', 'b', 'c');
      run('larder.replace', 'hash', 'hash', 'ITEMS', 'f', 'v');
      run('larder.put', 'old', 'v', '');
      run('larder.del', 'old', 'IFMATCH', '"wrong"'); // refused
      run('larder.del', 'old');
    });
    const t = a.clock.nowMs();
    expect(forms).toEqual([
      ['larder.put', 'doc', '{"a":1}', 'application/json', 'PXAT', String(t + 5_000)],
      ['larder.put', 'doc', '{"a":2}', 'application/json', 'PXAT', String(t + 5_000)],
      ['larder.put', 'doc', '{"a":3}', 'application/json'],
      ['larder.replace', 'list', 'list', 'PXAT', String(t + 900), 'ITEMS', 'a', 'b', 'c'],
      ['larder.replace', 'hash', 'hash', 'ITEMS', 'f', 'v'],
      ['larder.put', 'old', 'v', ''],
      ['DEL', 'old'],
    ]);
    expectSameState(a, b);
  });

  it('a mixed workload over every type and several databases replays to the same state', () => {
    const { a, b } = scenario((a) => {
      a.run('MULTI');
      a.run('SET', 'counter', 1, 'PX', 60_000);
      a.run('INCRBY', 'counter', 41);
      a.run('SELECT', 2);
      a.run('RPUSH', 'list', 'a', 'b', 'c');
      a.run('EXEC');
      a.clock.advance(10);
      a.run('ZADD', 'z', 1, 'one', 2.5, 'two');
      a.run('ZINCRBY', 'z', 0.1, 'one');
      a.run('LMOVE', 'list', 'list2', 'LEFT', 'RIGHT');
      a.run('HSET', 'h', 'a', 1, 'b', 2);
      a.run('SADD', 'set', 'x', 'y', 'z');
      a.run('SINTERSTORE', 'set2', 'set', 'set');
      a.run('SETRANGE', 'bits', 3, 'abc');
      a.run('SETBIT', 'bits', 100, 1);
      a.run('COPY', 'h', 'h-copy', 'DB', 5);
      a.run('MOVE', 'z', 7);
      a.run('SWAPDB', 0, 2);
      a.run('RENAME', 'counter', 'renamed');
      a.clock.advance(70_000); // counter's TTL passes: lazily expired below, never recorded
      a.run('APPEND', 'renamed', 'x');
      a.run('ZPOPMIN', 'set2');
    });
    expectSameState(a, b);
  });
});

describe('Dispatcher.replay', () => {
  it('runs at the pinned time, so an expiry that had not yet passed then is honoured', () => {
    const b = testEngine();
    const session = b.newSession('internal', true);
    const t = b.clock.nowMs();
    b.dispatcher.replay(['SET', 'k', 'v', 'PXAT', String(t + 100)], session, t);
    b.clock.advance(1_000);
    // Recorded at t + 50 the key was live: APPEND extends it and keeps its TTL.
    b.dispatcher.replay(['APPEND', 'k', 'w'], session, t + 50);
    expect(b.store.db(0).peek('k')).toMatchObject({ value: 'vw', expiresAtMs: t + 100 });
  });

  it('runs internal REST commands and answers errors as replies, without observers or stats', () => {
    const b = testEngine();
    const seen: string[] = [];
    b.dispatcher.onWrite((_db, argv) => seen.push(argv[0]!));
    b.dispatcher.onPropagate((_db, argv) => seen.push(argv[0]!));
    const session = b.newSession('internal', true);
    expect(b.dispatcher.replay(['larder.put', 'k', 'v', ''], session, b.clock.nowMs())).toEqual(['created', expect.any(String), -1]);
    expect(errorText(b.dispatcher.replay(['INCR', 'k'], session, b.clock.nowMs()))).toBe('ERR value is not an integer or out of range');
    expect(seen).toEqual([]);
    expect(b.dispatcher.commandStats().size).toBe(0);
  });

  it('the commands of one EXEC share one instant, so a key cannot expire halfway through', () => {
    const a = testEngine();
    const times: number[] = [];
    a.dispatcher.onPropagate((_db, _argv, nowMs) => times.push(nowMs));
    a.run('MULTI');
    a.run('SET', 'a', 1);
    a.run('SET', 'b', 2);
    // A wall clock moves while EXEC runs; the ManualClock is moved by the first write instead.
    a.dispatcher.onWrite(() => a.clock.advance(5));
    a.run('EXEC');
    expect(times).toHaveLength(2);
    expect(times[0]).toBe(times[1]);
  });
});
