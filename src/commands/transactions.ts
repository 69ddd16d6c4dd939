/**
 * MULTI / EXEC / DISCARD / WATCH / UNWATCH for connection-bound clients (RESP). Between MULTI and
 * EXEC the dispatcher hands each command to `queueInTransaction` instead of running it; EXEC then
 * runs the queue with `execQueued`, the machinery `/commands/multi-exec` uses too.
 */
import { CommandError, Errors } from '../errors.js';
import { family } from './define.js';
import { OK, QUEUED, type Reply } from './reply.js';
import { queueRefusal } from './transaction.js';
import type { CommandContext, CommandSpec, TransactionState } from './types.js';

/** Commands that act at once even inside MULTI, as in Redis (`processCommand`). */
const RUN_INSIDE_MULTI = new Set(['multi', 'exec', 'discard', 'watch', 'quit', 'reset']);

export function runsInsideMulti(spec: CommandSpec): boolean {
  return RUN_INSIDE_MULTI.has(spec.name);
}

/**
 * Queues `argv` for a client inside MULTI: `+QUEUED`, or the refusal, which also dooms the
 * transaction to EXECABORT. Undefined for the commands that run immediately instead.
 */
export function queueInTransaction(transaction: TransactionState, resolved: CommandSpec | CommandError, argv: string[]): Reply | undefined {
  if (!(resolved instanceof CommandError) && RUN_INSIDE_MULTI.has(resolved.name)) return undefined;
  const refusal = queueRefusal(resolved);
  if (refusal !== undefined) {
    transaction.aborted = true;
    return refusal;
  }
  transaction.queue.push(argv);
  return QUEUED;
}

function multiCommand(_argv: string[], ctx: CommandContext): Reply {
  // Nesting is refused without dooming the transaction, as Redis does.
  if (ctx.session.transaction !== undefined) throw Errors.nestedMulti();
  ctx.session.transaction = { queue: [], aborted: false };
  return OK;
}

function discardCommand(_argv: string[], ctx: CommandContext): Reply {
  if (ctx.session.transaction === undefined) throw Errors.discardWithoutMulti();
  ctx.server.transactions.forget(ctx.session);
  return OK;
}

function watchCommand(argv: string[], ctx: CommandContext): Reply {
  if (ctx.session.transaction !== undefined) throw Errors.watchInsideMulti();
  ctx.server.transactions.watch(ctx.session, argv.slice(1));
  return OK;
}

const CONTROL = ['noscript', 'loading', 'stale', 'fast', 'allow_busy'] as const;

export const transactionCommands = family('transactions', {
  multi: {
    summary: 'Starts a transaction.',
    arity: 1, flags: CONTROL, since: '1.2.0',
    handler: multiCommand,
  },
  exec: {
    summary: 'Executes all commands in a transaction.',
    arity: 1, flags: ['noscript', 'loading', 'stale'], since: '1.2.0',
    handler: (_argv, ctx) => ctx.server.transactions.exec(ctx.session),
  },
  discard: {
    summary: 'Discards a transaction.',
    arity: 1, flags: CONTROL, since: '2.0.0',
    handler: discardCommand,
  },
  watch: {
    summary: 'Monitors changes to keys to determine the execution of a transaction.',
    arity: -2, flags: CONTROL, keys: { first: 1, last: -1, step: 1 }, since: '2.2.0', syntax: 'key [key ...]',
    handler: watchCommand,
  },
  unwatch: {
    summary: 'Forgets about watched keys of a transaction.',
    arity: 1, flags: CONTROL, since: '2.2.0',
    handler: (_argv, ctx) => {
      ctx.server.transactions.unwatchAll(ctx.session.id);
      return OK;
    },
  },
});
