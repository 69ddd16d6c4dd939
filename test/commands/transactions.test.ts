import { describe, expect, it } from 'vitest';
import { NullArray, QUEUED, SimpleString } from '../../src/commands/reply.js';
import { errorText, testEngine, type TestEngine } from '../support/engine.js';

/** A second client of the same engine (another RESP connection, or an HTTP request). */
function otherClient(t: TestEngine, door: 'resp' | 'http' = 'resp') {
  const session = t.newSession(door, true);
  return (...argv: Array<string | number>) => t.dispatcher.dispatch(argv.map(String), session);
}

describe('MULTI / EXEC / DISCARD', () => {
  it('MULTI / EXEC basics: commands answer QUEUED and EXEC answers their replies in order', () => {
    const t = testEngine();
    t.run('rpush', 'mylist', 'a', 'b', 'c');
    expect(t.run('multi')).toEqual(new SimpleString('OK'));
    expect(t.run('lrange', 'mylist', 0, -1)).toBe(QUEUED);
    expect(t.run('ping')).toBe(QUEUED);
    expect(t.run('exec')).toEqual([['a', 'b', 'c'], new SimpleString('PONG')]);
    expect(t.session.transaction).toBeUndefined();
  });

  it('runs nothing before EXEC, and DISCARD drops the queue', () => {
    const t = testEngine();
    t.run('multi');
    t.run('set', 'k', 'v');
    expect(t.run('exists', 'k')).toBe(QUEUED);
    expect(otherClient(t)('get', 'k')).toBeNull();
    expect(t.run('discard')).toEqual(new SimpleString('OK'));
    expect(t.run('get', 'k')).toBeNull();
  });

  it('a runtime error is that command\'s reply; the others still run (no rollback)', () => {
    const t = testEngine();
    t.run('set', 's', 'text');
    t.run('multi');
    t.run('set', 'a', '1');
    t.run('lpush', 's', 'x');
    t.run('incr', 'a');
    const replies = t.run('exec') as unknown[];
    expect(replies[0]).toEqual(new SimpleString('OK'));
    expect(errorText(replies[1] as Error)).toMatch(/^WRONGTYPE/);
    expect(replies[2]).toBe(2);
  });

  it('EXEC fails if there are errors while queueing commands (unknown command, arity)', () => {
    for (const bad of [['non-existing-command'], ['get']]) {
      const t = testEngine();
      t.run('multi');
      t.run('set', 'foo1', 'bar1');
      expect(errorText(t.run(...bad))).toMatch(/^ERR (unknown command|wrong number of arguments)/);
      t.run('set', 'foo2', 'bar2');
      expect(errorText(t.run('exec'))).toBe('EXECABORT Transaction discarded because of previous errors.');
      expect(t.run('exists', 'foo1', 'foo2')).toBe(0);
      expect(t.run('ping')).toEqual(new SimpleString('PONG'));
    }
  });

  it('refuses no_multi commands at queue time and aborts (MULTI with SAVE)', () => {
    const t = testEngine();
    t.run('multi');
    t.run('set', 'foo', 'bar');
    expect(errorText(t.run('save'))).toBe('ERR Command not allowed inside a transaction');
    expect(errorText(t.run('exec'))).toMatch(/^EXECABORT/);
    expect(t.persistence.saves).toBe(0);
    expect(t.run('get', 'foo')).toBeNull();
  });

  it('Nested MULTI are not allowed, and do not abort the transaction', () => {
    const t = testEngine();
    t.run('multi');
    expect(errorText(t.run('multi'))).toBe('ERR MULTI calls can not be nested');
    t.run('set', 'k', 'v');
    expect(t.run('exec')).toEqual([new SimpleString('OK')]);
  });

  it('EXEC / DISCARD without MULTI and WATCH inside MULTI answer Redis\'s texts', () => {
    const t = testEngine();
    expect(errorText(t.run('exec'))).toBe('ERR EXEC without MULTI');
    expect(errorText(t.run('discard'))).toBe('ERR DISCARD without MULTI');
    t.run('multi');
    expect(errorText(t.run('watch', 'x'))).toBe('ERR WATCH inside MULTI is not allowed');
    expect(t.run('exec')).toEqual([]);
  });

  it('blocking commands inside MULTI answer at once as on timeout (Blocking commands ignores the timeout)', () => {
    const t = testEngine();
    t.run('multi');
    for (const argv of [['blpop', 'l', 0], ['brpop', 'l', 0], ['blmpop', 0, 1, 'l', 'left'], ['bzpopmin', 'z', 0], ['bzmpop', 0, 1, 'z', 'min']]) {
      expect(t.run(...argv)).toBe(QUEUED);
    }
    t.run('brpoplpush', 'l', 'm', 0);
    t.run('blmove', 'l', 'm', 'left', 'left', 0);
    const n = NullArray.instance;
    expect(t.run('exec')).toEqual([n, n, n, n, n, null, null]);
  });

  it('BRPOPLPUSH inside a transaction moves what is there, then answers null', () => {
    const t = testEngine();
    t.run('lpush', 'xlist', 'foo', 'bar');
    t.run('multi');
    for (let i = 0; i < 3; i++) t.run('brpoplpush', 'xlist', 'target', 0);
    t.run('lrange', 'target', 0, -1);
    expect(t.run('exec')).toEqual(['foo', 'bar', null, ['bar', 'foo']]);
  });

  it('RESET discards the transaction and the watches', () => {
    const t = testEngine();
    t.run('watch', 'x');
    t.run('multi');
    t.run('set', 'y', '1');
    expect(t.run('reset')).toEqual(new SimpleString('RESET'));
    expect(t.session.transaction).toBeUndefined();
    otherClient(t)('set', 'x', 'changed');
    t.run('multi');
    expect(t.run('exec')).toEqual([]);
    expect(t.run('exists', 'y')).toBe(0);
  });
});

describe('WATCH', () => {
  function watchedExec(t: TestEngine, key: string, between: () => void): unknown {
    t.run('watch', key);
    between();
    t.run('multi');
    t.run('ping');
    return t.run('exec');
  }

  it('EXEC works on WATCHed key not modified', () => {
    const t = testEngine();
    expect(watchedExec(t, 'x', () => undefined)).toEqual([new SimpleString('PONG')]);
  });

  it('EXEC fail on WATCHed key modified by another client', () => {
    const t = testEngine();
    t.run('set', 'x', '30');
    expect(watchedExec(t, 'x', () => otherClient(t)('set', 'x', '40'))).toBe(NullArray.instance);
  });

  it('fails when the key is changed through the HTTP doors (an http session on the same engine)', () => {
    const t = testEngine();
    expect(watchedExec(t, 'k', () => otherClient(t, 'http')('hset', 'k', 'f', 'v'))).toBe(NullArray.instance);
  });

  it('After successful or failed EXEC the key is no longer watched; UNWATCH forgets too', () => {
    const t = testEngine();
    t.run('set', 'x', '30');
    watchedExec(t, 'x', () => t.run('set', 'x', '40'));
    t.run('set', 'x', '50');
    t.run('multi');
    expect(t.run('exec')).toEqual([]);
    t.run('watch', 'x');
    t.run('set', 'x', '60');
    t.run('unwatch');
    t.run('multi');
    expect(t.run('exec')).toEqual([]);
  });

  it('DISCARD should clear the WATCH dirty flag on the client', () => {
    const t = testEngine();
    t.run('watch', 'x');
    t.run('set', 'x', '10');
    t.run('multi');
    t.run('discard');
    t.run('multi');
    t.run('incr', 'x');
    expect(t.run('exec')).toEqual([11]);
  });

  it('WATCH will consider touched expired keys (lazy expiry on the manual clock)', () => {
    const t = testEngine();
    t.run('set', 'x', 'foo', 'px', 100);
    expect(watchedExec(t, 'x', () => t.clock.advance(101))).toBe(NullArray.instance);
  });

  it('WATCH stale keys should not fail EXEC, even once reclaimed', () => {
    const t = testEngine();
    t.run('set', 'x', 'foo', 'px', 1);
    t.clock.advance(2);
    expect(watchedExec(t, 'x', () => undefined)).toEqual([new SimpleString('PONG')]);
    t.run('set', 'y', 'foo', 'px', 1);
    t.clock.advance(2);
    expect(watchedExec(t, 'y', () => t.run('exists', 'y'))).toEqual([new SimpleString('PONG')]);
  });

  it('a stale watched key that is written again does fail EXEC', () => {
    const t = testEngine();
    t.run('set', 'x', 'foo', 'px', 1);
    t.clock.advance(2);
    expect(watchedExec(t, 'x', () => otherClient(t)('set', 'x', 'new'))).toBe(NullArray.instance);
  });

  it('WATCH will consider touched keys target of EXPIRE', () => {
    const t = testEngine();
    t.run('set', 'x', 'foo');
    expect(watchedExec(t, 'x', () => t.run('expire', 'x', 10))).toBe(NullArray.instance);
  });

  it('FLUSHDB / FLUSHALL touch watched keys that exist, not missing ones', () => {
    for (const flush of ['flushdb', 'flushall']) {
      const t = testEngine();
      t.run('set', 'x', '30');
      expect(watchedExec(t, 'x', () => t.run(flush))).toBe(NullArray.instance);
      expect(watchedExec(t, 'x', () => t.run(flush))).toEqual([new SimpleString('PONG')]);
    }
  });

  it('SWAPDB touches watched keys that exist on either side, and not stale-for-nothing exchanges', () => {
    const t = testEngine();
    t.run('set', 'x', '30');
    expect(watchedExec(t, 'x', () => t.run('swapdb', 0, 1))).toBe(NullArray.instance);
    // x now lives in db 1; db 0 gets it back from the swap.
    expect(watchedExec(t, 'x', () => t.run('swapdb', 0, 1))).toBe(NullArray.instance);
    t.run('flushall');
    t.run('set', 'gone', 'v', 'px', 1);
    t.clock.advance(2);
    expect(watchedExec(t, 'gone', () => t.run('swapdb', 0, 1))).toEqual([new SimpleString('PONG')]);
  });

  it('WATCH is able to remember the DB a key belongs to', () => {
    const t = testEngine();
    t.run('select', 5);
    t.run('set', 'x', '30');
    t.run('watch', 'x');
    t.run('select', 1);
    t.run('set', 'x', '10');
    t.run('select', 5);
    t.run('multi');
    t.run('ping');
    expect(t.run('exec')).toEqual([new SimpleString('PONG')]);
  });

  it('a watching client that disconnects leaves no watch behind', () => {
    const t = testEngine();
    const gone = t.newSession('resp', true);
    t.dispatcher.dispatch(['watch', 'x'], gone);
    t.endSession(gone);
    t.run('set', 'x', '1');
    t.dispatcher.dispatch(['multi'], gone);
    expect(t.dispatcher.dispatch(['exec'], gone)).toEqual([]);
  });
});
