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
      /**
       * Index in the request of the first command that could not be queued; undefined when EXEC
       * itself was refused (writes refused after a disk error, out of memory): `cause` is then
       * Redis's `EXECABORT Transaction discarded because of: …`.
       */
      readonly position: number | undefined;
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

/**
 * Queues every command (stopping at the first refusal) and, when all queue, runs them as MULTI …
 * EXEC through the dispatcher, so the whole request is one unit as on RESP: the dispatcher's
 * gates judge it once, every command sees one instant, and the append-only log records it as one
 * record (replayed whole or not at all).
 */
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
  dispatcher.dispatch(['MULTI'], session);
  for (let position = 0; position < commands.length; position++) {
    // A gate of the dispatcher (writes refused, out of memory) refuses a write as it is queued.
    const queued = dispatcher.dispatch(commands[position]!, session);
    if (queued instanceof CommandError) {
      dispatcher.dispatch(['DISCARD'], session);
      return { executed: false, position, cause: queued };
    }
  }
  const reply = dispatcher.dispatch(['EXEC'], session);
  if (reply instanceof CommandError) return { executed: false, position: undefined, cause: reply };
  return { executed: true, replies: reply as Reply[] };
}
