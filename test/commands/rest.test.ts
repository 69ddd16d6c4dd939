import { describe, expect, it } from 'vitest';
import { etagOf } from '../../src/commands/rest-etag.js';
import { errorText, testEngine } from '../support/engine.js';

function internal() {
  const e = testEngine();
  const session = e.newSession('internal', true);
  return { e, run: (...argv: string[]) => e.dispatcher.dispatch(argv, session) };
}

describe('larder.* internal commands', () => {
  it('are unknown to client doors', () => {
    const e = testEngine();
    expect(errorText(e.run('larder.get', 'k'))).toMatch(/^ERR unknown command 'larder.get'/);
  });

  it('larder.put stores the marker and answers outcome, ETag and TTL', () => {
    const { e, run } = internal();
    expect(run('larder.put', 'k', '[1]', 'application/json', 'PX', '5000')).toEqual(['created', etagOf('[1]', 'application/json'), 5000]);
    expect(run('larder.get', 'k')).toEqual(['string', '[1]', 'application/json', 5000, etagOf('[1]', 'application/json')]);
    expect(run('larder.put', 'k', 'v', '', 'NX')).toEqual(['exists', etagOf('[1]', 'application/json'), 5000]);
    expect(run('larder.put', 'k', 'v', '')).toEqual(['replaced', etagOf('v', undefined), -1]);
    expect(e.run('GET', 'k')).toBe('v');
  });

  it('larder.put checks IFMATCH / IFNONEMATCH in the same step as the write', () => {
    const { run } = internal();
    run('larder.put', 'k', 'a', '');
    const current = etagOf('a', undefined);
    expect(run('larder.put', 'k', 'b', '', 'IFMATCH', '"x"')).toEqual(['mismatch', current, -1]);
    expect(run('larder.put', 'k', 'b', '', 'IFNONEMATCH', current)).toEqual(['matched', current, -1]);
    expect(run('larder.put', 'k', 'b', '', 'IFMATCH', '"x"', 'IFMATCH', current)).toEqual(['replaced', etagOf('b', undefined), -1]);
    expect(run('larder.put', 'missing', 'b', '', 'IFMATCH', current)).toEqual(['missing', null, -1]);
  });

  it('larder.put refuses bad options with Redis texts', () => {
    const { run } = internal();
    expect(errorText(run('larder.put', 'k', 'v', '', 'PX', '0'))).toBe("ERR invalid expire time in 'larder.put' command");
    expect(errorText(run('larder.put', 'k', 'v', '', 'PX', '10', 'KEEPTTL'))).toBe('ERR syntax error');
    expect(errorText(run('larder.put', 'k', 'v', '', 'NX', 'XX'))).toBe('ERR syntax error');
    expect(errorText(run('larder.put', 'k', 'v'))).toBe("ERR wrong number of arguments for 'larder.put' command");
  });

  it('larder.del deletes, reports a missing key, and honours IFMATCH', () => {
    const { e, run } = internal();
    e.run('SET', 'k', 'v');
    expect(run('larder.del', 'k', 'IFMATCH', '"nope"')).toBe('mismatch');
    expect(run('larder.del', 'k', 'IFMATCH', etagOf('v', undefined))).toBe('deleted');
    expect(run('larder.del', 'k')).toBe('missing');
    expect(errorText(run('larder.del', 'k', 'IFMATCH'))).toBe('ERR syntax error');
  });

  it('larder.get counts keyspace hits and misses like GET', () => {
    const { e, run } = internal();
    e.run('SET', 'k', 'v');
    run('larder.get', 'k');
    run('larder.get', 'missing');
    expect(e.store.stats).toMatchObject({ keyspaceHits: 1, keyspaceMisses: 1 });
  });

  it('writes reach the dispatcher\'s write observers (the append log hook)', () => {
    const { e, run } = internal();
    const seen: string[][] = [];
    e.dispatcher.onWrite((_db, argv) => seen.push([...argv]));
    run('larder.put', 'k', 'v', '', 'NX');
    run('larder.put', 'k', 'v', '', 'NX');
    run('larder.del', 'k');
    expect(seen).toEqual([['larder.put', 'k', 'v', '', 'NX'], ['larder.del', 'k']]);
  });
});
