import { Errors } from '../errors.js';
import type { SkipNode } from '../store/types/skip-list.js';
import { SortedSetValue } from '../store/types/sorted-set-value.js';
import { checkValueSize } from './access.js';
import {
  commitAggregate,
  integerAtLeast,
  nonNegativeCount,
  numKeysArg,
  randomPositions,
  readAggregate,
  scanReply,
  writableAggregate,
} from './aggregate-access.js';
import { integerArg, isOption } from './args.js';
import { family } from './define.js';
import { DoubleReply, NullArray, type Reply } from './reply.js';
import { formatDouble } from './format.js';
import { membersReply, pairsReply, scoreArg } from './sorted-sets-args.js';
import { sortedSetAlgebraCommands } from './sorted-sets-algebra.js';
import { sortedSetRangeCommands } from './sorted-sets-range.js';
import { ONE_KEY, type CommandContext } from './types.js';

const read = (ctx: CommandContext, key: string) => readAggregate(ctx, key, SortedSetValue);

interface ZaddFlags {
  nx: boolean;
  xx: boolean;
  gt: boolean;
  lt: boolean;
  ch: boolean;
  incr: boolean;
}

const ZADD_OPTIONS = new Map<string, keyof ZaddFlags>([
  ['nx', 'nx'], ['xx', 'xx'], ['gt', 'gt'], ['lt', 'lt'], ['ch', 'ch'], ['incr', 'incr'],
]);

/** ZADD's leading options; returns them with the index of the first score. */
function zaddFlags(argv: readonly string[]): { flags: ZaddFlags; first: number } {
  const flags: ZaddFlags = { nx: false, xx: false, gt: false, lt: false, ch: false, incr: false };
  let i = 2;
  for (; i < argv.length; i++) {
    // Options are 2–4 letters; anything else is the first score. (A lookup such as `score in flags`
    // sends numeric text down V8's slow element-key path, which cost more than the insert itself.)
    const text = argv[i]!;
    if (text.length < 2 || text.length > 4) break;
    const option = ZADD_OPTIONS.get(text.toLowerCase());
    if (option === undefined) break;
    flags[option] = true;
  }
  const pairs = argv.length - i;
  if (pairs === 0 || pairs % 2 === 1) throw Errors.syntax();
  if (flags.nx && flags.xx) throw Errors.zaddNxXx();
  if ((flags.gt || flags.lt) && (flags.nx || (flags.gt && flags.lt))) throw Errors.zaddGtLtNx();
  if (flags.incr && pairs > 2) throw Errors.zaddIncrPairs();
  return { flags, first: i };
}

type AddOutcome = 'added' | 'updated' | 'unchanged' | 'skipped';

/** Redis's zsetAdd: one score/member under the flags; `score` is the increment with INCR. */
function addOne(zset: SortedSetValue, member: string, score: number, flags: ZaddFlags): { outcome: AddOutcome; score: number } {
  const current = zset.score(member);
  if (current === undefined) {
    if (flags.xx) return { outcome: 'skipped', score };
    zset.set(member, score);
    return { outcome: 'added', score };
  }
  if (flags.nx) return { outcome: 'skipped', score: current };
  const next = flags.incr ? current + score : score;
  if (Number.isNaN(next)) throw Errors.scoreNaN();
  if ((flags.lt && next >= current) || (flags.gt && next <= current)) return { outcome: 'skipped', score: current };
  if (next === current) return { outcome: 'unchanged', score: next };
  zset.set(member, next);
  return { outcome: 'updated', score: next };
}

function zadd(argv: string[], ctx: CommandContext): Reply {
  const { flags, first } = zaddFlags(argv);
  const scores: number[] = [];
  const members: string[] = [];
  for (let i = first; i < argv.length; i += 2) scores.push(scoreArg(argv[i]!));
  for (let i = first + 1; i < argv.length; i += 2) members.push(argv[i]!);
  return applyScores(ctx, argv[1]!, flags, scores, members);
}

/** The write half of ZADD / ZINCRBY, once every score has parsed (all or nothing, as Redis). */
function applyScores(ctx: CommandContext, key: string, flags: ZaddFlags, scores: number[], members: string[]): Reply {
  for (const member of members) checkValueSize(ctx, member.length);
  const existing = writableAggregate(ctx, key, SortedSetValue);
  if (existing === undefined && flags.xx) return flags.incr ? null : 0;
  const zset = existing ?? new SortedSetValue();
  let added = 0;
  let updated = 0;
  let last: { outcome: AddOutcome; score: number } = { outcome: 'skipped', score: 0 };
  scores.forEach((score, n) => {
    last = addOne(zset, members[n]!, score, flags);
    if (last.outcome === 'added') added++;
    if (last.outcome === 'updated') updated++;
  });
  if (added + updated > 0) commitAggregate(ctx, key, zset, existing === undefined);
  if (flags.incr) return last.outcome === 'skipped' ? null : new DoubleReply(last.score);
  return flags.ch ? added + updated : added;
}

function zincrby(argv: string[], ctx: CommandContext): Reply {
  const flags: ZaddFlags = { nx: false, xx: false, gt: false, lt: false, ch: false, incr: true };
  return applyScores(ctx, argv[1]!, flags, [scoreArg(argv[2]!)], [argv[3]!]);
}

function remove(argv: string[], ctx: CommandContext): number {
  const zset = writableAggregate(ctx, argv[1]!, SortedSetValue);
  if (zset === undefined) return 0;
  let removed = 0;
  for (let i = 2; i < argv.length; i++) if (zset.delete(argv[i]!)) removed++;
  if (removed > 0) commitAggregate(ctx, argv[1]!, zset, false);
  return removed;
}

function rank(argv: string[], ctx: CommandContext, reverse: boolean): Reply {
  const zset = read(ctx, argv[1]!);
  const position = zset?.rank(argv[2]!);
  if (zset === undefined || position === undefined) return null;
  return reverse ? zset.size - 1 - position : position;
}

/** Removes up to `count` members from the low (min) or high (max) end. */
export function popNodes(zset: SortedSetValue, end: 'min' | 'max', count: number): SkipNode[] {
  const nodes: SkipNode[] = [];
  while (nodes.length < count && zset.size > 0) {
    const node = end === 'min' ? zset.list.first! : zset.list.tail!;
    zset.delete(node.member);
    nodes.push(node);
  }
  return nodes;
}

/** ZPOPMIN / ZPOPMAX key [count]: flat pairs, nested in RESP3 when a count was given. */
function pop(argv: string[], ctx: CommandContext, end: 'min' | 'max'): Reply {
  if (argv.length > 3) throw Errors.syntax();
  const count = argv.length === 3 ? nonNegativeCount(argv[2]!) : undefined;
  const zset = writableAggregate(ctx, argv[1]!, SortedSetValue);
  if (zset === undefined) return [];
  const nodes = popNodes(zset, end, count ?? 1);
  if (nodes.length > 0) commitAggregate(ctx, argv[1]!, zset, false);
  if (count !== undefined && ctx.session.protocol === 3) return pairsReply(nodes);
  return nodes.flatMap((node) => [node.member, new DoubleReply(node.score)]);
}

/** `numkeys key [key ...] MIN|MAX [COUNT count]` from `numKeysIndex` on (ZMPOP, BZMPOP). */
export function sortedSetMultiPopArgs(argv: readonly string[], numKeysIndex: number): { keys: string[]; end: 'min' | 'max'; count: number } {
  const { keys } = numKeysArg(argv, numKeysIndex);
  const endText = argv[numKeysIndex + 1 + keys.length];
  const end = isOption(endText, 'MIN') ? 'min' : isOption(endText, 'MAX') ? 'max' : undefined;
  if (end === undefined) throw Errors.syntax();
  let count = 1;
  const rest = argv.slice(numKeysIndex + 2 + keys.length);
  if (rest.length === 2 && isOption(rest[0], 'COUNT')) count = integerAtLeast(rest[1]!, 1, 'count should be greater than 0');
  else if (rest.length !== 0) throw Errors.syntax();
  return { keys, end, count };
}

/** ZMPOP's reply: [key, [[member, score] …]] from the first non-empty sorted set, or a null array. */
export function popFirstNonEmptySortedSet(ctx: CommandContext, keys: readonly string[], end: 'min' | 'max', count: number): Reply {
  for (const key of keys) {
    const zset = writableAggregate(ctx, key, SortedSetValue);
    if (zset === undefined) continue;
    const nodes = popNodes(zset, end, count);
    commitAggregate(ctx, key, zset, false);
    return [key, pairsReply(nodes)];
  }
  return NullArray.instance;
}

function multiPop(argv: string[], ctx: CommandContext): Reply {
  const { keys, end, count } = sortedSetMultiPopArgs(argv, 1);
  return popFirstNonEmptySortedSet(ctx, keys, end, count);
}

/** ZRANDMEMBER key [count [WITHSCORES]], with HRANDFIELD's count rules. */
function randomMembers(argv: string[], ctx: CommandContext): Reply {
  if (argv.length === 2) {
    const zset = read(ctx, argv[1]!);
    return zset === undefined ? null : zset.randomNode().member;
  }
  const count = integerArg(argv[2]!);
  if (argv.length > 4 || (argv.length === 4 && !isOption(argv[3], 'WITHSCORES'))) throw Errors.syntax();
  const withScores = argv.length === 4;
  if (withScores && Math.abs(count) > 2 ** 62) throw Errors.outOfRange();
  const zset = read(ctx, argv[1]!);
  if (zset === undefined || count === 0) return [];
  return membersReply(randomPositions(zset.size, count).map((p) => zset.nodeAtPosition(p)), withScores, ctx);
}

function scanMembers(argv: string[], ctx: CommandContext): Reply {
  return scanReply(argv, ctx, () => {
    const zset = read(ctx, argv[1]!);
    if (zset === undefined) return undefined;
    return { scan: (cursor, count, visit) => zset.scan(cursor, count, (node) => visit([node.member, formatDouble(node.score)])) };
  });
}

const R = ['readonly', 'fast'] as const;
const NUMKEYS = { first: 2, last: -1, step: 1 };

const basics = family('sorted_set', {
  zadd: {
    summary: 'Adds one or more members to a sorted set, or updates their scores. Creates the key if it doesn\'t exist.',
    arity: -4, flags: ['write', 'denyoom', 'fast'], keys: ONE_KEY, since: '1.2.0',
    syntax: 'key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]',
    handler: zadd,
  },
  zincrby: {
    summary: 'Increments the score of a member in a sorted set.',
    arity: 4, flags: ['write', 'denyoom', 'fast'], keys: ONE_KEY, since: '1.2.0', syntax: 'key increment member',
    handler: zincrby,
  },
  zscore: {
    summary: 'Returns the score of a member in a sorted set.',
    arity: 3, flags: R, keys: ONE_KEY, since: '1.2.0', syntax: 'key member',
    handler: (argv, ctx) => {
      const score = read(ctx, argv[1]!)?.score(argv[2]!);
      return score === undefined ? null : new DoubleReply(score);
    },
  },
  zmscore: {
    summary: 'Returns the score of one or more members in a sorted set.',
    arity: -3, flags: R, keys: ONE_KEY, since: '6.2.0', syntax: 'key member [member ...]',
    handler: (argv, ctx) => {
      const zset = read(ctx, argv[1]!);
      return argv.slice(2).map((member) => {
        const score = zset?.score(member);
        return score === undefined ? null : new DoubleReply(score);
      });
    },
  },
  zcard: {
    summary: 'Returns the number of members in a sorted set.',
    arity: 2, flags: R, keys: ONE_KEY, since: '1.2.0', syntax: 'key',
    handler: (argv, ctx) => read(ctx, argv[1]!)?.size ?? 0,
  },
  zrank: {
    summary: 'Returns the index of a member in a sorted set ordered by ascending scores.',
    arity: 3, flags: R, keys: ONE_KEY, since: '2.0.0', syntax: 'key member',
    handler: (argv, ctx) => rank(argv, ctx, false),
  },
  zrevrank: {
    summary: 'Returns the index of a member in a sorted set ordered by descending scores.',
    arity: 3, flags: R, keys: ONE_KEY, since: '2.0.0', syntax: 'key member',
    handler: (argv, ctx) => rank(argv, ctx, true),
  },
  zrem: {
    summary: 'Removes one or more members from a sorted set. Deletes the sorted set if all members were removed.',
    arity: -3, flags: ['write', 'fast'], keys: ONE_KEY, since: '1.2.0', syntax: 'key member [member ...]',
    handler: remove,
  },
  zpopmin: {
    summary: 'Returns the lowest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.',
    arity: -2, flags: ['write', 'fast'], keys: ONE_KEY, since: '5.0.0', syntax: 'key [count]',
    handler: (argv, ctx) => pop(argv, ctx, 'min'),
  },
  zpopmax: {
    summary: 'Returns the highest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.',
    arity: -2, flags: ['write', 'fast'], keys: ONE_KEY, since: '5.0.0', syntax: 'key [count]',
    handler: (argv, ctx) => pop(argv, ctx, 'max'),
  },
  zmpop: {
    summary: 'Returns the highest- or lowest-scoring members from one or more sorted sets after removing them. Deletes the sorted set if the last member was popped.',
    arity: -4, flags: ['write'], keys: NUMKEYS, since: '7.0.0', syntax: 'numkeys key [key ...] MIN|MAX [COUNT count]',
    handler: multiPop,
  },
  zrandmember: {
    summary: 'Returns one or more random members from a sorted set.',
    arity: -2, flags: ['readonly', 'random'], keys: ONE_KEY, since: '6.2.0', syntax: 'key [count [WITHSCORES]]',
    handler: randomMembers,
  },
  zscan: {
    summary: 'Iterates over members and scores of a sorted set.',
    arity: -3, flags: ['readonly', 'random'], keys: ONE_KEY, since: '2.8.0', syntax: 'key cursor [MATCH pattern] [COUNT count]',
    handler: scanMembers,
  },
});

export const sortedSetCommands = [...basics, ...sortedSetRangeCommands, ...sortedSetAlgebraCommands];
