import { Errors } from '../errors.js';
import { ListValue } from '../store/types/list-value.js';
import { checkValueSize } from './access.js';
import { commitAggregate, nonNegativeCount, readAggregate, writableAggregate } from './aggregate-access.js';
import { integerArg, isOption } from './args.js';
import { family } from './define.js';
import { type ListEnd, listMoveCommands, popItems } from './lists-moves.js';
import { NullArray, OK, type Reply } from './reply.js';
import { ONE_KEY, type CommandContext } from './types.js';

const read = (ctx: CommandContext, key: string) => readAggregate(ctx, key, ListValue);

/** Pushes at one end; `onlyIfExists` is LPUSHX / RPUSHX. Returns the new length. */
function push(argv: string[], ctx: CommandContext, end: ListEnd, onlyIfExists: boolean): number {
  for (let i = 2; i < argv.length; i++) checkValueSize(ctx, argv[i]!.length);
  const key = argv[1]!;
  const existing = writableAggregate(ctx, key, ListValue);
  if (existing === undefined && onlyIfExists) return 0;
  const list = existing ?? new ListValue();
  for (let i = 2; i < argv.length; i++) {
    if (end === 'left') list.pushFront(argv[i]!);
    else list.pushBack(argv[i]!);
  }
  commitAggregate(ctx, key, list, existing === undefined);
  return list.length;
}

/** LPOP / RPOP key [count]: a bulk string without count, an array with one. */
function pop(argv: string[], ctx: CommandContext, end: ListEnd): Reply {
  if (argv.length > 3) throw Errors.wrongArity(argv[0]!.toLowerCase());
  const count = argv.length === 3 ? nonNegativeCount(argv[2]!) : undefined;
  const key = argv[1]!;
  const list = writableAggregate(ctx, key, ListValue);
  if (list === undefined) return count === undefined ? null : NullArray.instance;
  if (count === 0) return [];
  const items = popItems(list, end, count ?? 1);
  commitAggregate(ctx, key, list, false);
  return count === undefined ? items[0]! : items;
}

/** Redis's index normalisation for LRANGE / LTRIM: negatives count from the end, then clamp. */
function clampRange(startIndex: number, endIndex: number, length: number): [number, number] | undefined {
  const start = startIndex < 0 ? Math.max(0, length + startIndex) : startIndex;
  const end = Math.min(endIndex < 0 ? length + endIndex : endIndex, length - 1);
  return start > end || start >= length ? undefined : [start, end];
}

function range(argv: string[], ctx: CommandContext): Reply {
  // Both indexes are validated before the key is read, as Redis does.
  const start = integerArg(argv[2]!);
  const end = integerArg(argv[3]!);
  const list = read(ctx, argv[1]!);
  const bounds = list === undefined ? undefined : clampRange(start, end, list.length);
  return bounds === undefined ? [] : list!.range(bounds[0], bounds[1]);
}

function trim(argv: string[], ctx: CommandContext): Reply {
  const start = integerArg(argv[2]!);
  const end = integerArg(argv[3]!);
  const key = argv[1]!;
  const list = writableAggregate(ctx, key, ListValue);
  if (list === undefined) return OK;
  const bounds = clampRange(start, end, list.length);
  const [fromHead, fromTail] = bounds === undefined ? [list.length, 0] : [bounds[0], list.length - bounds[1] - 1];
  popItems(list, 'left', fromHead);
  popItems(list, 'right', fromTail);
  commitAggregate(ctx, key, list, false);
  return OK;
}

/** Converts a possibly negative index to a position, or undefined when outside the list. */
function position(list: ListValue, indexText: string): number | undefined {
  const index = integerArg(indexText);
  const at = index < 0 ? list.length + index : index;
  return at >= 0 && at < list.length ? at : undefined;
}

function index(argv: string[], ctx: CommandContext): Reply {
  const list = read(ctx, argv[1]!);
  if (list === undefined) return null;
  const at = position(list, argv[2]!);
  return at === undefined ? null : list.at(at)!;
}

function set(argv: string[], ctx: CommandContext): Reply {
  const key = argv[1]!;
  const list = writableAggregate(ctx, key, ListValue);
  if (list === undefined) throw Errors.noSuchKey();
  const at = position(list, argv[2]!);
  checkValueSize(ctx, argv[3]!.length);
  if (at === undefined) throw Errors.indexOutOfRange();
  list.setAt(at, argv[3]!);
  commitAggregate(ctx, key, list, false);
  return OK;
}

function insert(argv: string[], ctx: CommandContext): Reply {
  const [, key, where, pivot, item] = argv as [string, string, string, string, string];
  const after = isOption(where, 'AFTER');
  if (!after && !isOption(where, 'BEFORE')) throw Errors.syntax();
  checkValueSize(ctx, item.length);
  const list = writableAggregate(ctx, key, ListValue);
  if (list === undefined) return 0;
  let at = -1;
  for (let i = 0; i < list.length && at === -1; i++) if (list.at(i) === pivot) at = i;
  if (at === -1) return -1;
  list.insertAt(after ? at + 1 : at, item);
  commitAggregate(ctx, key, list, false);
  return list.length;
}

/** LREM: count > 0 removes from the head, < 0 from the tail, 0 every match. */
function remove(argv: string[], ctx: CommandContext): Reply {
  const [, key, countText, item] = argv as [string, string, string, string];
  const count = integerArg(countText);
  const list = writableAggregate(ctx, key, ListValue);
  if (list === undefined) return 0;
  const limit = count === 0 ? Infinity : Math.abs(count);
  const doomed = new Set<number>();
  for (let n = 0; n < list.length && doomed.size < limit; n++) {
    const i = count < 0 ? list.length - 1 - n : n;
    if (list.at(i) === item) doomed.add(i);
  }
  if (doomed.size === 0) return 0;
  list.retain((_, i) => !doomed.has(i));
  commitAggregate(ctx, key, list, false);
  return doomed.size;
}

const PUSH = ['write', 'denyoom', 'fast'] as const;

export const listCommands = [
  ...family('list', {
    lpush: {
      summary: 'Prepends one or more elements to a list. Creates the key if it doesn\'t exist.',
      arity: -3, flags: PUSH, keys: ONE_KEY, syntax: 'key element [element ...]',
      handler: (argv, ctx) => push(argv, ctx, 'left', false),
    },
    rpush: {
      summary: 'Appends one or more elements to a list. Creates the key if it doesn\'t exist.',
      arity: -3, flags: PUSH, keys: ONE_KEY, syntax: 'key element [element ...]',
      handler: (argv, ctx) => push(argv, ctx, 'right', false),
    },
    lpushx: {
      summary: 'Prepends one or more elements to a list only when the list exists.',
      arity: -3, flags: PUSH, keys: ONE_KEY, since: '2.2.0', syntax: 'key element [element ...]',
      handler: (argv, ctx) => push(argv, ctx, 'left', true),
    },
    rpushx: {
      summary: 'Appends one or more elements to a list only when the list exists.',
      arity: -3, flags: PUSH, keys: ONE_KEY, since: '2.2.0', syntax: 'key element [element ...]',
      handler: (argv, ctx) => push(argv, ctx, 'right', true),
    },
    lpop: {
      summary: 'Returns the first elements in a list after removing it. Deletes the list if the last element was popped.',
      arity: -2, flags: ['write', 'fast'], keys: ONE_KEY, syntax: 'key [count]',
      handler: (argv, ctx) => pop(argv, ctx, 'left'),
    },
    rpop: {
      summary: 'Returns and removes the last elements of a list. Deletes the list if the last element was popped.',
      arity: -2, flags: ['write', 'fast'], keys: ONE_KEY, syntax: 'key [count]',
      handler: (argv, ctx) => pop(argv, ctx, 'right'),
    },
    llen: {
      summary: 'Returns the length of a list.',
      arity: 2, flags: ['readonly', 'fast'], keys: ONE_KEY, syntax: 'key',
      handler: (argv, ctx) => read(ctx, argv[1]!)?.length ?? 0,
    },
    lrange: {
      summary: 'Returns a range of elements from a list.',
      arity: 4, flags: ['readonly'], keys: ONE_KEY, syntax: 'key start stop',
      handler: range,
    },
    lindex: {
      summary: 'Returns an element from a list by its index.',
      arity: 3, flags: ['readonly'], keys: ONE_KEY, syntax: 'key index',
      handler: index,
    },
    lset: {
      summary: 'Sets the value of an element in a list by its index.',
      arity: 4, flags: ['write', 'denyoom'], keys: ONE_KEY, syntax: 'key index element',
      handler: set,
    },
    linsert: {
      summary: 'Inserts an element before or after another element in a list.',
      arity: 5, flags: ['write', 'denyoom'], keys: ONE_KEY, since: '2.2.0', syntax: 'key BEFORE|AFTER pivot element',
      handler: insert,
    },
    lrem: {
      summary: 'Removes elements from a list. Deletes the list if the last element was removed.',
      arity: 4, flags: ['write'], keys: ONE_KEY, syntax: 'key count element',
      handler: remove,
    },
    ltrim: {
      summary: 'Removes elements from both ends a list. Deletes the list if all elements were trimmed.',
      arity: 4, flags: ['write'], keys: ONE_KEY, syntax: 'key start stop',
      handler: trim,
    },
  }),
  ...listMoveCommands,
];
