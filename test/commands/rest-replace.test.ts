import { describe, expect, it } from 'vitest';
import { DoubleReply, MapReply, SetReply } from '../../src/commands/reply.js';
import { errorText, testEngine } from '../support/engine.js';

function internal() {
  const e = testEngine();
  const session = e.newSession('internal', true);
  return { e, run: (...argv: string[]) => e.dispatcher.dispatch(argv, session) };
}

describe('larder.replace', () => {
  it('is unknown to client doors', () => {
    const e = testEngine();
    expect(errorText(e.run('larder.replace', 'k', 'list', 'ITEMS', 'a'))).toMatch(/^ERR unknown command 'larder.replace'/);
  });

  it('builds each type from its items; larder.get answers the REST form and the same ETag', () => {
    const { run } = internal();
    const cases: Array<[string, string[], unknown]> = [
      ['hash', ['f', 'v', 'g', 'w'], new MapReply([['f', 'v'], ['g', 'w']])],
      ['list', ['b', 'a', 'b'], ['b', 'a', 'b']],
      ['set', ['x', 'y', 'x'], new SetReply(['x', 'y'])],
      ['zset', ['2', 'b', '-inf', 'a', '+inf', 'c'], new MapReply([['a', new DoubleReply(-Infinity)], ['b', new DoubleReply(2)], ['c', new DoubleReply(Infinity)]])],
    ];
    for (const [type, items, restForm] of cases) {
      const [outcome, etag, ttlMs] = run('larder.replace', type, type, 'ITEMS', ...items) as [string, string, number];
      expect([outcome, ttlMs]).toEqual(['created', -1]);
      expect(run('larder.get', type)).toEqual([type, restForm, null, -1, etag]);
    }
  });

  it('takes larder.put options before ITEMS and answers larder.put outcomes', () => {
    const { e, run } = internal();
    expect(run('larder.replace', 'l', 'list', 'XX', 'ITEMS', 'a')).toEqual(['missing', null, -1]);
    const [, etag] = run('larder.replace', 'l', 'list', 'NX', 'PX', '5000', 'ITEMS', 'a') as [string, string];
    expect(run('larder.replace', 'l', 'list', 'NX', 'ITEMS', 'b')).toEqual(['exists', etag, 5000]);
    expect(run('larder.replace', 'l', 'list', 'IFMATCH', '"stale"', 'ITEMS', 'b')).toEqual(['mismatch', etag, 5000]);
    expect(run('larder.replace', 'l', 'list', 'IFNONEMATCH', etag, 'ITEMS', 'b')).toEqual(['matched', etag, 5000]);
    expect((run('larder.replace', 'l', 'list', 'IFMATCH', etag, 'KEEPTTL', 'ITEMS', 'ITEMS') as unknown[]).slice(0, 1)).toEqual(['replaced']);
    expect(e.run('LRANGE', 'l', 0, -1)).toEqual(['ITEMS']);
    expect(e.run('PTTL', 'l')).toBe(5000);
  });

  it('refuses malformed calls with Redis texts and leaves the key as it was', () => {
    const { e, run } = internal();
    e.run('SET', 'k', 'kept');
    expect(errorText(run('larder.replace', 'k', 'stream', 'ITEMS', 'a'))).toBe('ERR syntax error');
    expect(errorText(run('larder.replace', 'k', 'list', 'a', 'b'))).toBe('ERR syntax error');
    expect(errorText(run('larder.replace', 'k', 'list', 'NX', 'ITEMS'))).toBe('ERR syntax error');
    expect(errorText(run('larder.replace', 'k', 'hash', 'ITEMS', 'f', 'v', 'odd'))).toBe('ERR syntax error');
    expect(errorText(run('larder.replace', 'k', 'zset', 'ITEMS', 'nan', 'm'))).toBe('ERR value is not a valid float');
    expect(errorText(run('larder.replace', 'k', 'list', 'PX', '0', 'ITEMS', 'a'))).toBe("ERR invalid expire time in 'larder.replace' command");
    expect(errorText(run('larder.replace', 'k', 'list', 'ITEMS'))).toBe("ERR wrong number of arguments for 'larder.replace' command");
    expect(e.run('GET', 'k')).toBe('kept');
  });
});
