import { describe, expect, it } from 'vitest';
import { CommandError } from '../../src/errors.js';
import type { CommandIntent } from '../../src/commands/dispatcher.js';
import { errorText, testEngine } from '../support/engine.js';

function recordingEngine() {
  const e = testEngine();
  const units: string[][][] = [];
  let current: string[][] = [];
  e.dispatcher.onPropagate((db, argv) => current.push([String(db), ...argv]));
  e.dispatcher.onCommandEnd(() => {
    if (current.length > 0) units.push(current);
    current = [];
  });
  return { e, units };
}

describe('propagation to the append log', () => {
  it('hands every write that changed the store to the observers, as sent, with its database', () => {
    const { e, units } = recordingEngine();
    e.run('SET', 'k', 'v');
    e.run('SELECT', '3');
    e.run('DEL', 'k', 'missing');
    e.run('SET', 'k', 'v3');
    expect(units).toEqual([[['0', 'SET', 'k', 'v']], [['3', 'SET', 'k', 'v3']]]);
  });

  it('leaves out reads, failed writes and writes that changed nothing', () => {
    const { e, units } = recordingEngine();
    e.run('SET', 'k', 'v');
    e.clock.advance(1);
    e.run('PEXPIRE', 'k', '1');
    e.clock.advance(5);
    // GET expires the key lazily: the store changed, but replay at the recorded time does the same.
    expect(e.run('GET', 'k')).toBeNull();
    e.run('INCR', 'text');
    e.run('APPEND', 'text', 'x');
    expect(errorText(e.run('INCR', 'text'))).toContain('not an integer');
    expect(units.map((unit) => unit[0]![1])).toEqual(['SET', 'PEXPIREAT', 'INCR', 'APPEND']);
  });

  it('groups the writes of one EXEC into one unit, in order, and leaves MULTI/EXEC out', () => {
    const { e, units } = recordingEngine();
    e.run('MULTI');
    e.run('SET', 'a', '1');
    e.run('SELECT', '2');
    e.run('INCR', 'a');
    e.run('EXEC');
    expect(units).toEqual([[['0', 'SET', 'a', '1'], ['2', 'INCR', 'a']]]);
  });
});

describe('command gates', () => {
  function gatedEngine() {
    const e = testEngine();
    const seen: CommandIntent[] = [];
    let refuse = false;
    e.dispatcher.addGate((intent) => {
      seen.push(intent);
      return refuse && intent.writes ? new CommandError('MISCONF refused for the test') : undefined;
    });
    return { e, seen, setRefusing: (on: boolean) => (refuse = on) };
  }

  it('refuse a write before it runs and let reads through', () => {
    const { e, setRefusing } = gatedEngine();
    e.run('SET', 'k', 'before');
    setRefusing(true);
    expect(errorText(e.run('SET', 'k', 'after'))).toBe('MISCONF refused for the test');
    expect(e.run('GET', 'k')).toBe('before');
  });

  it('see EXEC as a write when its queue holds one, and a refused queued command dooms the transaction', () => {
    const { e, seen, setRefusing } = gatedEngine();
    e.run('MULTI');
    e.run('GET', 'k');
    e.run('SET', 'k', 'v');
    setRefusing(true);
    e.run('EXEC');
    expect(seen.find((intent) => intent.spec.name === 'exec')).toMatchObject({ writes: true, denyOom: true });
    setRefusing(false);
    e.run('MULTI');
    setRefusing(true);
    expect(errorText(e.run('SET', 'k', 'v'))).toBe('MISCONF refused for the test');
    setRefusing(false);
    expect(errorText(e.run('EXEC'))).toContain('EXECABORT');
  });
});
