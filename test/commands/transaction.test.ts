import { describe, expect, it } from 'vitest';
import { OK } from '../../src/commands/reply.js';
import { execQueued, queueError, runTransaction } from '../../src/commands/transaction.js';
import { CommandError } from '../../src/errors.js';
import { errorText, testEngine } from '../support/engine.js';

describe('transactions (MULTI/EXEC semantics)', () => {
  it('queues known commands with a valid arity and refuses the rest with Redis\'s texts', () => {
    const e = testEngine();
    expect(queueError(e.dispatcher, ['SET', 'k', 'v'], e.session)).toBeUndefined();
    expect(queueError(e.dispatcher, ['SET', 'k'], e.session)?.message).toBe("ERR wrong number of arguments for 'set' command");
    expect(queueError(e.dispatcher, ['SAVE'], e.session)?.message).toBe('ERR Command not allowed inside a transaction');
  });

  it('EXEC returns each reply, errors included, after running every command', () => {
    const e = testEngine();
    const replies = execQueued(e.dispatcher, [['SET', 'a', 'x'], ['INCR', 'a'], ['APPEND', 'a', 'y']], e.session);
    expect(replies[0]).toBe(OK);
    expect(errorText(replies[1]!)).toBe('ERR value is not an integer or out of range');
    expect(replies[2]).toBe(2);
  });

  it('runs nothing when one command cannot be queued and names its position', () => {
    const e = testEngine();
    const outcome = runTransaction(e.dispatcher, [['SET', 'a', 'x'], ['SET', 'b', 'y'], ['NOPE']], e.session);
    expect(outcome).toMatchObject({ executed: false, position: 2 });
    expect(e.run('DBSIZE')).toBe(0);
  });

  it('applies a door\'s gate before the command table', () => {
    const e = testEngine();
    const refusal = new CommandError('ERR refused by this door');
    const gate = (argv: readonly string[]) => (argv[0] === 'PING' ? refusal : undefined);
    const outcome = runTransaction(e.dispatcher, [['SET', 'a', 'x'], ['PING']], e.session, gate);
    expect(outcome).toEqual({ executed: false, position: 1, cause: refusal });
    expect(e.run('EXISTS', 'a')).toBe(0);
  });

  it('sees the writes of earlier commands in the same transaction', () => {
    const e = testEngine();
    const outcome = runTransaction(e.dispatcher, [['INCR', 'n'], ['INCRBY', 'n', '10'], ['GET', 'n']], e.session);
    expect(outcome).toEqual({ executed: true, replies: [1, 11, '11'] });
  });
});
