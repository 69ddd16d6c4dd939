import { describe, expect, it } from 'vitest';
import { integerParameter, memoryParameter, parseMemory, ParameterRegistry, readOnlyParameter } from '../../src/commands/config-registry.js';
import { MapReply, SimpleString } from '../../src/commands/reply.js';
import { errorText, testEngine } from '../support/engine.js';

function registry(): { config: ParameterRegistry; values: { a: number; b: number } } {
  const values = { a: 1, b: 1024 };
  const config = new ParameterRegistry();
  config.define(integerParameter('alpha', { min: 0, max: 10 }, () => values.a, (v) => (values.a = v)));
  config.define(memoryParameter('beta-bytes', { min: 0, max: 1024 ** 3 }, () => values.b, (v) => (values.b = v)));
  config.define(readOnlyParameter('fixed', () => 'x'));
  return { config, values };
}

describe('CONFIG parameter registry', () => {
  it('matches exact names case-insensitively and glob patterns once each', () => {
    const { config } = registry();
    expect(config.get(['ALPHA'])).toEqual([['alpha', '1']]);
    expect(config.get(['*a*', 'alpha'])).toEqual([['alpha', '1'], ['beta-bytes', '1024']]);
    expect(config.get(['nope'])).toEqual([]);
  });

  it('applies all pairs or none', () => {
    const { config, values } = registry();
    expect(() => config.set([['alpha', '5'], ['beta-bytes', 'lots']])).toThrow(
      "ERR CONFIG SET failed (possibly related to argument 'beta-bytes') - argument must be a memory value",
    );
    expect(values.a).toBe(1);
    config.set([['alpha', '5'], ['beta-bytes', '2kb']]);
    expect(values).toEqual({ a: 5, b: 2048 });
  });

  it('refuses unknown, read-only, duplicate and out-of-range settings as Redis 7.0 does', () => {
    const { config } = registry();
    expect(() => config.set([['nope', '1']])).toThrow("ERR Unknown option or number of arguments for CONFIG SET - 'nope'");
    expect(() => config.set([['fixed', 'y']])).toThrow("ERR CONFIG SET failed (possibly related to argument 'fixed') - can't set immutable config");
    expect(() => config.set([['alpha', '1'], ['ALPHA', '2']])).toThrow('duplicate parameter');
    expect(() => config.set([['alpha', '11']])).toThrow('argument must be between 0 and 10 inclusive');
  });

  it('parses Redis memory units', () => {
    expect([parseMemory('100'), parseMemory('1k'), parseMemory('1kb'), parseMemory('2GB'), parseMemory('1x')]).toEqual([
      100, 1000, 1024, 2 * 1024 ** 3, undefined,
    ]);
  });
});

function configHelp(): SimpleString[] {
  return testEngine().run('CONFIG', 'HELP') as SimpleString[];
}

describe('CONFIG command', () => {
  it('answers GET as a map, zeroes the counters on RESETSTAT and checks SET arguments', () => {
    const t = testEngine();
    expect(t.run('CONFIG', 'GET', 'databases')).toEqual(new MapReply([['databases', '16']]));
    t.run('GET', 'missing');
    expect(t.store.stats.keyspaceMisses).toBe(1);
    expect(t.run('CONFIG', 'RESETSTAT')).toEqual(expect.objectContaining({ value: 'OK' }));
    expect(t.store.stats.keyspaceMisses).toBe(0);
    expect(t.dispatcher.totalCommands).toBe(0);
    expect(t.dispatcher.commandStats().size).toBe(0);
    expect(errorText(t.run('CONFIG', 'SET', 'databases'))).toBe("ERR wrong number of arguments for 'config|set' command");
    expect(errorText(t.run('CONFIG', 'SET', 'a', 'b', 'c'))).toBe('ERR syntax error');
  });

  it('answers CONFIG HELP from the subcommand table', () => {
    const lines = configHelp().map((line) => line.value);
    expect(lines[0]).toBe('CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    expect(lines).toContain('SET parameter value [parameter value ...]');
    expect(lines.at(-2)).toBe('HELP');
  });
});
