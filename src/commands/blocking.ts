/**
 * The blocking pops: BLPOP BRPOP BRPOPLPUSH BLMOVE BLMPOP BZPOPMIN BZPOPMAX BZMPOP.
 *
 * Each first tries its non-blocking form, checking the keys in order (WRONGTYPE on the first key
 * of another type, as Redis). With nothing to pop it answers a `BlockedReply` naming the keys and
 * the non-blocking command that serves it from a key that receives data (blocking-registry.ts).
 * Where the client cannot wait (inside EXEC) it answers as a timeout at once, even with timeout 0.
 */
import { Errors } from '../errors.js';
import { ListValue } from '../store/types/list-value.js';
import { SortedSetValue } from '../store/types/sorted-set-value.js';
import { commitAggregate, writableAggregate } from './aggregate-access.js';
import { parseFloatStrict } from './args.js';
import { BlockedReply, type ServedCommand } from './blocking-registry.js';
import { family } from './define.js';
import { type ListEnd, listEndArg, listMultiPopArgs, moveItem, popFirstNonEmpty, popItems } from './lists-moves.js';
import { DoubleReply, NullArray, type Reply } from './reply.js';
import { popFirstNonEmptySortedSet, popNodes, sortedSetMultiPopArgs } from './sorted-sets.js';
import type { CommandContext } from './types.js';

/** Redis's timeout argument: seconds as a float, rounded up to whole milliseconds; 0 = forever. */
export function timeoutArg(text: string): number {
  const seconds = parseFloatStrict(text);
  if (seconds === undefined || !Number.isFinite(seconds)) throw Errors.timeoutNotFloat();
  const timeoutMs = Math.ceil(seconds * 1000);
  if (timeoutMs < 0) throw Errors.timeoutNegative();
  // Beyond 2^53 ms (285 000 years) a deadline is no longer exact: out of range.
  if (timeoutMs > Number.MAX_SAFE_INTEGER) throw Errors.timeoutNotFloat();
  return timeoutMs;
}

/** Blocks when allowed, otherwise answers what a timeout would (`timeoutReply`). */
function waitOrGiveUp(
  ctx: CommandContext,
  keys: readonly string[],
  timeoutMs: number,
  valueKind: typeof ListValue | typeof SortedSetValue,
  serve: (key: string) => ServedCommand,
  timeoutReply: Reply = NullArray.instance,
): Reply | BlockedReply {
  if (!ctx.mayBlock) return timeoutReply;
  return new BlockedReply(keys, timeoutMs, valueKind, serve);
}

/** BLPOP / BRPOP key [key ...] timeout → [key, item]. */
function blockingPop(argv: string[], ctx: CommandContext, end: ListEnd): Reply | BlockedReply {
  const timeoutMs = timeoutArg(argv[argv.length - 1]!);
  const keys = argv.slice(1, -1);
  for (const key of keys) {
    const list = writableAggregate(ctx, key, ListValue);
    if (list === undefined) continue;
    const item = popItems(list, end, 1)[0]!;
    commitAggregate(ctx, key, list, false);
    return [key, item];
  }
  const pop = end === 'left' ? 'lpop' : 'rpop';
  return waitOrGiveUp(ctx, keys, timeoutMs, ListValue, (key) => ({ argv: [pop, key], shape: (item) => [key, item] }));
}

/** BLMOVE / BRPOPLPUSH: the moved item; inside EXEC an empty source answers a null bulk. */
function blockingMove(ctx: CommandContext, source: string, destination: string, from: ListEnd, to: ListEnd, timeoutText: string): Reply | BlockedReply {
  const timeoutMs = timeoutArg(timeoutText);
  const moved = moveItem(ctx, source, destination, from, to);
  if (moved !== null) return moved;
  const served = (): ServedCommand => ({ argv: ['lmove', source, destination, from, to] });
  return waitOrGiveUp(ctx, [source], timeoutMs, ListValue, served, null);
}

/** BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count] → [key, items]. */
function blockingMultiPop(argv: string[], ctx: CommandContext): Reply | BlockedReply {
  const timeoutMs = timeoutArg(argv[1]!);
  const { keys, end, count } = listMultiPopArgs(argv, 2);
  const popped = popFirstNonEmpty(ctx, keys, end, count);
  if (popped !== NullArray.instance) return popped;
  return waitOrGiveUp(ctx, keys, timeoutMs, ListValue, (key) => ({ argv: ['lmpop', '1', key, end, 'COUNT', String(count)] }));
}

/** BZPOPMIN / BZPOPMAX key [key ...] timeout → [key, member, score]. */
function blockingSortedPop(argv: string[], ctx: CommandContext, end: 'min' | 'max'): Reply | BlockedReply {
  const timeoutMs = timeoutArg(argv[argv.length - 1]!);
  const keys = argv.slice(1, -1);
  for (const key of keys) {
    const zset = writableAggregate(ctx, key, SortedSetValue);
    if (zset === undefined) continue;
    const node = popNodes(zset, end, 1)[0]!;
    commitAggregate(ctx, key, zset, false);
    return [key, node.member, new DoubleReply(node.score)];
  }
  const pop = end === 'min' ? 'zpopmin' : 'zpopmax';
  const shape = (key: string) => (pair: Reply): Reply => (Array.isArray(pair) ? [key, ...pair] : pair);
  return waitOrGiveUp(ctx, keys, timeoutMs, SortedSetValue, (key) => ({ argv: [pop, key], shape: shape(key) }));
}

/** BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count] → [key, [[member, score] …]]. */
function blockingSortedMultiPop(argv: string[], ctx: CommandContext): Reply | BlockedReply {
  const timeoutMs = timeoutArg(argv[1]!);
  const { keys, end, count } = sortedSetMultiPopArgs(argv, 2);
  const popped = popFirstNonEmptySortedSet(ctx, keys, end, count);
  if (popped !== NullArray.instance) return popped;
  return waitOrGiveUp(ctx, keys, timeoutMs, SortedSetValue, (key) => ({ argv: ['zmpop', '1', key, end, 'COUNT', String(count)] }));
}

const LAST_BUT_TIMEOUT = { first: 1, last: -2, step: 1 };
const TWO_KEYS = { first: 1, last: 2, step: 1 };
const AFTER_NUMKEYS = { first: 3, last: -1, step: 1 };

export const blockingListCommands = family('list', {
  blpop: {
    summary: 'Removes and returns the first element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.',
    arity: -3, flags: ['write', 'noscript', 'blocking'], keys: LAST_BUT_TIMEOUT, since: '2.0.0', syntax: 'key [key ...] timeout',
    handler: (argv, ctx) => blockingPop(argv, ctx, 'left'),
  },
  brpop: {
    summary: 'Removes and returns the last element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.',
    arity: -3, flags: ['write', 'noscript', 'blocking'], keys: LAST_BUT_TIMEOUT, since: '2.0.0', syntax: 'key [key ...] timeout',
    handler: (argv, ctx) => blockingPop(argv, ctx, 'right'),
  },
  brpoplpush: {
    summary: 'Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was popped.',
    arity: 4, flags: ['write', 'denyoom', 'noscript', 'blocking'], keys: TWO_KEYS, since: '2.2.0', syntax: 'source destination timeout',
    handler: (argv, ctx) => blockingMove(ctx, argv[1]!, argv[2]!, 'right', 'left', argv[3]!),
  },
  blmove: {
    summary: 'Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was moved.',
    arity: 6, flags: ['write', 'denyoom', 'noscript', 'blocking'], keys: TWO_KEYS, since: '6.2.0',
    syntax: 'source destination LEFT|RIGHT LEFT|RIGHT timeout',
    handler: (argv, ctx) => blockingMove(ctx, argv[1]!, argv[2]!, listEndArg(argv[3]!), listEndArg(argv[4]!), argv[5]!),
  },
  blmpop: {
    summary: 'Pops the first element from one of multiple lists. Blocks until an element is available otherwise. Deletes the list if the last element was popped.',
    arity: -5, flags: ['write', 'blocking'], keys: AFTER_NUMKEYS, since: '7.0.0', syntax: 'timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]',
    handler: blockingMultiPop,
  },
});

export const blockingSortedSetCommands = family('sorted_set', {
  bzpopmin: {
    summary: 'Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.',
    arity: -3, flags: ['write', 'noscript', 'fast', 'blocking'], keys: LAST_BUT_TIMEOUT, since: '5.0.0', syntax: 'key [key ...] timeout',
    handler: (argv, ctx) => blockingSortedPop(argv, ctx, 'min'),
  },
  bzpopmax: {
    summary: 'Removes and returns the member with the highest score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.',
    arity: -3, flags: ['write', 'noscript', 'fast', 'blocking'], keys: LAST_BUT_TIMEOUT, since: '5.0.0', syntax: 'key [key ...] timeout',
    handler: (argv, ctx) => blockingSortedPop(argv, ctx, 'max'),
  },
  bzmpop: {
    summary: 'Removes and returns a member by score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.',
    arity: -5, flags: ['write', 'blocking'], keys: AFTER_NUMKEYS, since: '7.0.0', syntax: 'timeout numkeys key [key ...] MIN|MAX [COUNT count]',
    handler: blockingSortedMultiPop,
  },
});
