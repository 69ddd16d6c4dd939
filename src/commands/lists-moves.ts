/**
 * The list commands that move items between keys (LMOVE, RPOPLPUSH, LMPOP) and LPOS. The
 * blocking variants (BLMOVE, BLMPOP …) will reuse `moveItem` / `popFirstNonEmpty` once a woken
 * client can be served: every push here touches the key, which is what a waiter listens for.
 */
import { Errors } from '../errors.js';
import { ListValue } from '../store/types/list-value.js';
import { commitAggregate, integerAtLeast, nonNegativeCount, numKeysArg, readAggregate, writableAggregate } from './aggregate-access.js';
import { integerArg, isOption } from './args.js';
import { family } from './define.js';
import { NullArray, type Reply } from './reply.js';
import { ONE_KEY, type CommandContext } from './types.js';

export type ListEnd = 'left' | 'right';

/** Pops up to `count` items from one end. */
export function popItems(list: ListValue, end: ListEnd, count: number): string[] {
  const items: string[] = [];
  while (items.length < count && list.length > 0) items.push((end === 'left' ? list.popFront() : list.popBack())!);
  return items;
}

export function listEndArg(text: string): ListEnd {
  if (isOption(text, 'LEFT')) return 'left';
  if (isOption(text, 'RIGHT')) return 'right';
  throw Errors.syntax();
}

/**
 * Pops one item from `source` and pushes it onto `destination` (which may be the same list, a
 * rotation). Null when the source is missing. Both keys are type-checked before anything moves.
 */
export function moveItem(ctx: CommandContext, source: string, destination: string, from: ListEnd, to: ListEnd): Reply {
  const sourceList = writableAggregate(ctx, source, ListValue);
  if (sourceList === undefined) return null;
  const existingTarget = writableAggregate(ctx, destination, ListValue);
  const targetList = existingTarget ?? new ListValue();
  const item = popItems(sourceList, from, 1)[0]!;
  if (to === 'left') targetList.pushFront(item);
  else targetList.pushBack(item);
  if (source !== destination) commitAggregate(ctx, source, sourceList, false);
  commitAggregate(ctx, destination, targetList, existingTarget === undefined);
  return item;
}

/** LMPOP's reply: [key, items] from the first non-empty list, or a null array. */
export function popFirstNonEmpty(ctx: CommandContext, keys: readonly string[], end: ListEnd, count: number): Reply {
  for (const key of keys) {
    const list = writableAggregate(ctx, key, ListValue);
    if (list === undefined) continue;
    const items = popItems(list, end, count);
    commitAggregate(ctx, key, list, false);
    return [key, items];
  }
  return NullArray.instance;
}

export interface MultiPopArgs<End> {
  keys: string[];
  end: End;
  count: number;
}

/** `numkeys key [key ...] <end> [COUNT count]` from `numKeysIndex` on (LMPOP, BLMPOP). */
export function listMultiPopArgs(argv: readonly string[], numKeysIndex: number): MultiPopArgs<ListEnd> {
  const { keys } = numKeysArg(argv, numKeysIndex);
  const whereIndex = numKeysIndex + 1 + keys.length;
  if (whereIndex >= argv.length) throw Errors.syntax();
  const end = listEndArg(argv[whereIndex]!);
  let count = 1;
  const rest = argv.slice(whereIndex + 1);
  if (rest.length === 2 && isOption(rest[0], 'COUNT')) count = integerAtLeast(rest[1]!, 1, 'count should be greater than 0');
  else if (rest.length !== 0) throw Errors.syntax();
  return { keys, end, count };
}

function multiPop(argv: string[], ctx: CommandContext): Reply {
  const { keys, end, count } = listMultiPopArgs(argv, 1);
  return popFirstNonEmpty(ctx, keys, end, count);
}

interface LposOptions {
  rank: number;
  /** undefined: reply with one index; 0: every match. */
  count: number | undefined;
  /** 0: compare the whole list. */
  maxLength: number;
}

function lposOptions(argv: readonly string[]): LposOptions {
  const options: LposOptions = { rank: 1, count: undefined, maxLength: 0 };
  for (let i = 3; i < argv.length; i += 2) {
    const value = argv[i + 1];
    if (value === undefined) throw Errors.syntax();
    if (isOption(argv[i], 'RANK')) {
      options.rank = integerArg(value);
      if (options.rank === 0) throw Errors.lposRankZero();
    } else if (isOption(argv[i], 'COUNT')) options.count = nonNegativeCount(value, "COUNT can't be negative");
    else if (isOption(argv[i], 'MAXLEN')) options.maxLength = nonNegativeCount(value, "MAXLEN can't be negative");
    else throw Errors.syntax();
  }
  return options;
}

/** LPOS: the RANK-th match onwards (negative ranks search from the tail), up to COUNT, within MAXLEN. */
function position(argv: string[], ctx: CommandContext): Reply {
  const { rank, count, maxLength } = lposOptions(argv);
  const list = readAggregate(ctx, argv[1]!, ListValue);
  if (list === undefined) return count === undefined ? null : [];
  const wanted = count === undefined ? 1 : count === 0 ? Infinity : count;
  const limit = maxLength === 0 ? list.length : Math.min(maxLength, list.length);
  const matches: number[] = [];
  let skip = Math.abs(rank) - 1;
  for (let n = 0; n < limit && matches.length < wanted; n++) {
    const i = rank < 0 ? list.length - 1 - n : n;
    if (list.at(i) !== argv[2]) continue;
    if (skip > 0) skip--;
    else matches.push(i);
  }
  if (count !== undefined) return matches;
  return matches[0] ?? null;
}

const TWO_KEYS = { first: 1, last: 2, step: 1 };
const NUMKEYS = { first: 2, last: -1, step: 1 };

export const listMoveCommands = family('list', {
  lmove: {
    summary: 'Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved.',
    arity: 5, flags: ['write', 'denyoom'], keys: TWO_KEYS, since: '6.2.0', syntax: 'source destination LEFT|RIGHT LEFT|RIGHT',
    handler: (argv, ctx) => moveItem(ctx, argv[1]!, argv[2]!, listEndArg(argv[3]!), listEndArg(argv[4]!)),
  },
  rpoplpush: {
    summary: 'Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped.',
    arity: 3, flags: ['write', 'denyoom'], keys: TWO_KEYS, since: '1.2.0', syntax: 'source destination',
    handler: (argv, ctx) => moveItem(ctx, argv[1]!, argv[2]!, 'right', 'left'),
  },
  lmpop: {
    summary: 'Returns multiple elements from a list after removing them. Deletes the list if the last element was popped.',
    arity: -4, flags: ['write'], keys: NUMKEYS, since: '7.0.0', syntax: 'numkeys key [key ...] LEFT|RIGHT [COUNT count]',
    handler: multiPop,
  },
  lpos: {
    summary: 'Returns the index of matching elements in a list.',
    arity: -3, flags: ['readonly'], keys: ONE_KEY, since: '6.0.6', syntax: 'key element [RANK rank] [COUNT num-matches] [MAXLEN len]',
    handler: position,
  },
});
