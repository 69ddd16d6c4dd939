/**
 * MULTI/EXEC semantics shared by every door: `/commands/multi-exec` runs a whole transaction from
 * one request; the RESP door queues commands between MULTI and EXEC with `queueError` and then
 * calls `execQueued`.
 *
 * Redis distinguishes two kinds of failure, and so do we:
 * - errors detected while queueing (unknown command, wrong arity, a command refused inside a
 *   transaction) discard the whole transaction: EXEC answers EXECABORT and nothing runs;
 * - errors raised while running (WRONGTYPE, not an integer …) are that command's reply; the
 *   commands before and after it still run. There is no rollback, as in Redis.
 */
import { CommandError, Errors } from '../errors.js';
import type { Dispatcher } from './dispatcher.js';
import type { Reply } from './reply.js';
import type { ClientSession, CommandSpec } from './types.js';

/** A door-specific refusal checked at queue time (e.g. commands HTTP cannot serve). */
export type QueueGate = (argv: readonly string[]) => CommandError | undefined;

export type TransactionOutcome =
  | { readonly executed: true; readonly replies: Reply[] }
  | {
      readonly executed: false;
      /** Index in the request of the first command that could not be queued. */
      readonly position: number;
      readonly cause: CommandError;
    };

/** Why Redis would refuse to queue `argv` inside MULTI, or undefined when it queues. */
export function queueError(dispatcher: Dispatcher, argv: readonly string[], session: ClientSession): CommandError | undefined {
  return queueRefusal(dispatcher.resolve(argv, session));
}

/** The same rule for a command already resolved (the RESP door resolves once, then queues). */
export function queueRefusal(resolved: CommandSpec | CommandError): CommandError | undefined {
  if (resolved instanceof CommandError) return resolved;
  if (resolved.flags.includes('no_multi')) return Errors.notAllowedInMulti();
  return undefined;
}

/**
 * Runs queued commands back to back. The loop never yields to the event loop, so no other
 * client's command can interleave: that is what makes the transaction atomic here.
 */
export function execQueued(dispatcher: Dispatcher, queue: readonly string[][], session: ClientSession): Reply[] {
  const replies: Reply[] = new Array<Reply>(queue.length);
  for (let i = 0; i < queue.length; i++) replies[i] = dispatcher.dispatch(queue[i]!, session);
  return replies;
}

/** Queues every command (stopping at the first refusal) and, when all queue, runs them. */
export function runTransaction(
  dispatcher: Dispatcher,
  commands: readonly string[][],
  session: ClientSession,
  gate?: QueueGate,
): TransactionOutcome {
  for (let position = 0; position < commands.length; position++) {
    const argv = commands[position]!;
    const cause = gate?.(argv) ?? queueError(dispatcher, argv, session);
    if (cause !== undefined) return { executed: false, position, cause };
  }
  return { executed: true, replies: execQueued(dispatcher, commands, session) };
}
