import { describe, expect, it } from 'vitest';
import { MapReply, OK, PONG, SimpleString, VerbatimString } from '../../src/commands/reply.js';
import { command } from '../../src/commands/define.js';
import { errorText, testEngine } from '../support/engine.js';

describe('server commands', () => {
  it('PING, ECHO and TIME', () => {
    const e = testEngine();
    expect(e.run('PING')).toBe(PONG);
    expect(e.run('PING', 'hi')).toBe('hi');
    expect(errorText(e.run('PING', 'a', 'b'))).toBe("ERR wrong number of arguments for 'ping' command");
    expect(e.run('ECHO', 'x')).toBe('x');
    e.clock.set(1_700_000_000_123);
    expect(e.run('TIME')).toEqual(['1700000000', '123000']);
  });

  it('SELECT, SWAPDB, FLUSHDB and FLUSHALL act on numbered databases', () => {
    const e = testEngine();
    e.run('SET', 'zero', '0');
    expect(e.run('SELECT', 9)).toBe(OK);
    e.run('SET', 'nine', '9');
    expect(e.run('DBSIZE')).toBe(1);
    expect(errorText(e.run('SELECT', 16))).toBe('ERR DB index is out of range');
    expect(errorText(e.run('SELECT', 'x'))).toBe('ERR invalid DB index');
    expect(e.run('SWAPDB', 0, 9)).toBe(OK);
    expect(e.run('GET', 'zero')).toBe('0');
    expect(errorText(e.run('SWAPDB', 'a', 1))).toBe('ERR invalid first DB index');
    expect(e.run('FLUSHDB', 'ASYNC')).toBe(OK);
    expect(e.run('DBSIZE')).toBe(0);
    expect(errorText(e.run('FLUSHDB', 'LATER'))).toBe('ERR syntax error');
    e.run('SELECT', 0);
    expect(e.run('GET', 'nine')).toBe('9');
    expect(e.run('FLUSHALL')).toBe(OK);
    expect(e.run('DBSIZE')).toBe(0);
  });

  it('INFO renders the requested sections with Redis field names', () => {
    const e = testEngine();
    e.run('SET', 'k', 'v', 'EX', 10);
    const all = (e.run('INFO') as VerbatimString).value;
    expect(all).toMatch(/^# Server\r\nredis_version:7\.0\.15\r\n/);
    expect(all).toContain('# Keyspace\r\ndb0:keys=1,expires=1,avg_ttl=0\r\n');
    const stats = (e.run('INFO', 'stats') as VerbatimString).value;
    expect(stats.startsWith('# Stats\r\n')).toBe(true);
    expect(stats).not.toContain('# Server');
    expect((e.run('INFO', 'nosuchsection') as VerbatimString).value).toBe('');
  });

  it('COMMAND reports the table: count, info, docs, list', () => {
    const e = testEngine();
    const count = e.run('COMMAND', 'COUNT') as number;
    expect(count).toBeGreaterThan(50);
    expect((e.run('COMMAND') as unknown[]).length).toBe(count);
    const [getInfo, missing] = e.run('COMMAND', 'INFO', 'get', 'nosuch') as [unknown[], null];
    expect(getInfo.slice(0, 2)).toEqual(['get', 2]);
    expect(getInfo.slice(3, 6)).toEqual([1, 1, 1]);
    expect(missing).toBeNull();
    const docs = e.run('COMMAND', 'DOCS', 'set') as MapReply;
    expect(docs.entries[0]![0]).toBe('set');
    expect(e.run('COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'getr*')).toEqual(['getrange']);
    expect(errorText(e.run('COMMAND', 'NOPE'))).toBe("ERR unknown subcommand 'NOPE'. Try COMMAND HELP.");
    expect(errorText(e.run('COMMAND', 'COUNT', 'extra'))).toBe("ERR wrong number of arguments for 'command|count' command");
  });

  it('SAVE, BGSAVE and LASTSAVE go through the persistence service', () => {
    const e = testEngine();
    expect(e.run('SAVE')).toBe(OK);
    expect(e.persistence.saves).toBe(1);
    expect(e.run('BGSAVE')).toEqual(new SimpleString('Background saving started'));
    e.persistence.running = true;
    expect(errorText(e.run('BGSAVE'))).toBe('ERR Background save already in progress');
    expect(e.run('BGSAVE', 'SCHEDULE')).toEqual(new SimpleString('Background saving scheduled'));
    expect(e.run('LASTSAVE')).toBe(1_700_000_000);
  });

  it('internal commands are hidden from COMMAND and refused on client doors', () => {
    const hidden = command('larder', 'larder.test', { summary: 'test', arity: 1, flags: ['internal'], handler: () => OK });
    const e = testEngine({ extraCommands: [hidden] });
    expect(e.run('COMMAND', 'LIST')).not.toContain('larder.test');
    expect(e.run('COMMAND', 'INFO', 'larder.test')).toEqual([null]);
    expect(errorText(e.run('larder.test'))).toMatch(/^ERR unknown command 'larder.test'/);
    expect(e.dispatcher.dispatch(['larder.test'], e.newSession('internal', true))).toBe(OK);
  });
});
