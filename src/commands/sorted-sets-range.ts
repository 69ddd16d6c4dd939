/**
 * Range reads and deletes over sorted sets: ZRANGE in all its forms (by rank, BYSCORE, BYLEX,
 * REV, LIMIT, WITHSCORES), ZRANGESTORE, the legacy Z[REV]RANGE[BYSCORE|BYLEX] spellings (which
 * are ZRANGE with the form fixed), ZCOUNT, ZLEXCOUNT and ZREMRANGEBY*. Every range is located in
 * O(log n) through the skip list, then walked; LIMIT's offset jumps by rank instead of walking.
 */
import { Errors } from '../errors.js';
import { lexAboveMin, lexBelowMax, scoreAboveMin, scoreBelowMax } from '../store/types/ranges.js';
import type { SkipNode } from '../store/types/skip-list.js';
import { SortedSetValue } from '../store/types/sorted-set-value.js';
import { commitAggregate, readAggregate, writableAggregate } from './aggregate-access.js';
import { integerArg, isOption } from './args.js';
import { family } from './define.js';
import type { Reply } from './reply.js';
import { lexRangeArg, membersReply, scoreRangeArg } from './sorted-sets-args.js';
import { ONE_KEY, type CommandContext } from './types.js';

type RangeKind = 'rank' | 'score' | 'lex';

interface RangeQuery {
  kind: RangeKind;
  reverse: boolean;
  withScores: boolean;
  offset: number;
  /** -1: no limit (Redis treats any negative count so). */
  limit: number;
  /** Collects the matching nodes from a sorted set. */
  collect: (zset: SortedSetValue) => SkipNode[];
}

interface Form {
  kind?: RangeKind;
  reverse?: boolean;
  store: boolean;
}

/** Redis's zrangeGenericCommand option parsing, from the argument after `max`. */
function parseQuery(argv: readonly string[], keyIndex: number, form: Form): RangeQuery {
  let kind = form.kind;
  let reverse = form.reverse;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = keyIndex + 3; j < argv.length; j++) {
    const option = argv[j]!;
    if (!form.store && isOption(option, 'WITHSCORES')) withScores = true;
    else if (isOption(option, 'LIMIT') && argv.length - j - 1 >= 2) {
      offset = integerArg(argv[++j]!);
      limit = integerArg(argv[++j]!);
    } else if (reverse === undefined && isOption(option, 'REV')) reverse = true;
    else if (kind === undefined && isOption(option, 'BYLEX')) kind = 'lex';
    else if (kind === undefined && isOption(option, 'BYSCORE')) kind = 'score';
    else throw Errors.syntax();
  }
  const query = { kind: kind ?? 'rank', reverse: reverse ?? false, withScores, offset, limit };
  if (limit !== -1 && query.kind === 'rank') throw Errors.limitWithoutBy();
  if (withScores && query.kind === 'lex') throw Errors.withScoresByLex();
  // Reverse score and lex ranges are written max first.
  const [low, high] = query.reverse && query.kind !== 'rank' ? [keyIndex + 2, keyIndex + 1] : [keyIndex + 1, keyIndex + 2];
  return { ...query, collect: collector(query, argv[low]!, argv[high]!) };
}

function collector(query: Omit<RangeQuery, 'collect'>, minText: string, maxText: string): RangeQuery['collect'] {
  if (query.kind === 'rank') {
    const start = integerArg(minText);
    const end = integerArg(maxText);
    return (zset) => byRank(zset, start, end, query.reverse);
  }
  if (query.kind === 'score') {
    const range = scoreRangeArg(minText, maxText);
    const within = (node: SkipNode) => scoreAboveMin(node.score, range) && scoreBelowMax(node.score, range);
    return (zset) =>
      walk(zset, query.reverse ? zset.lastInScoreRange(range) : zset.firstInScoreRange(range), within, query);
  }
  const range = lexRangeArg(minText, maxText);
  const within = (node: SkipNode) => lexAboveMin(node.member, range) && lexBelowMax(node.member, range);
  return (zset) => walk(zset, query.reverse ? zset.lastInLexRange(range) : zset.firstInLexRange(range), within, query);
}

/** Redis's rank clamping (as LRANGE); undefined when the range is empty. */
export function clampRanks(start: number, end: number, size: number): [number, number] | undefined {
  const first = start < 0 ? Math.max(0, size + start) : start;
  const last = Math.min(end < 0 ? size + end : end, size - 1);
  return first > last || first >= size ? undefined : [first, last];
}

function byRank(zset: SortedSetValue, start: number, end: number, reverse: boolean): SkipNode[] {
  const ranks = clampRanks(start, end, zset.size);
  if (ranks === undefined) return [];
  const nodes: SkipNode[] = [];
  let node = zset.at(reverse ? zset.size - 1 - ranks[0] : ranks[0]);
  for (let n = ranks[1] - ranks[0]; n >= 0 && node !== null; n--) {
    nodes.push(node);
    node = reverse ? node.backward : (node.next[0] ?? null);
  }
  return nodes;
}

/** Skips `offset` nodes (by rank, O(log n)) from `first`, then takes up to `limit` while `within`. */
function walk(zset: SortedSetValue, first: SkipNode | null, within: (node: SkipNode) => boolean, query: Omit<RangeQuery, 'collect'>): SkipNode[] {
  if (first === null || query.offset < 0) return [];
  let node: SkipNode | null = first;
  if (query.offset > 0) {
    const rank = zset.rankOfNode(first) + (query.reverse ? -query.offset : query.offset);
    node = rank >= 0 ? zset.at(rank) : null;
  }
  const nodes: SkipNode[] = [];
  while (node !== null && within(node) && (query.limit < 0 || nodes.length < query.limit)) {
    nodes.push(node);
    node = query.reverse ? node.backward : (node.next[0] ?? null);
  }
  return nodes;
}

function rangeCommand(argv: string[], ctx: CommandContext, form: Omit<Form, 'store'>): Reply {
  const query = parseQuery(argv, 1, { ...form, store: false });
  const zset = readAggregate(ctx, argv[1]!, SortedSetValue);
  return zset === undefined ? [] : membersReply(query.collect(zset), query.withScores, ctx);
}

/** ZRANGESTORE dst src …: replaces dst with the range (deleting it when the range is empty). */
function rangeStore(argv: string[], ctx: CommandContext): number {
  const query = parseQuery(argv, 2, { store: true });
  const source = readAggregate(ctx, argv[2]!, SortedSetValue);
  const nodes = source === undefined ? [] : query.collect(source);
  if (nodes.length === 0) ctx.db.delete(argv[1]!);
  else ctx.db.set(argv[1]!, SortedSetValue.of(nodes.map((node) => [node.member, node.score] as const)));
  return nodes.length;
}

function countByScore(argv: string[], ctx: CommandContext): number {
  const range = scoreRangeArg(argv[2]!, argv[3]!);
  const zset = readAggregate(ctx, argv[1]!, SortedSetValue);
  const first = zset?.firstInScoreRange(range) ?? null;
  if (zset === undefined || first === null) return 0;
  return zset.rankOfNode(zset.lastInScoreRange(range)!) - zset.rankOfNode(first) + 1;
}

function countByLex(argv: string[], ctx: CommandContext): number {
  const range = lexRangeArg(argv[2]!, argv[3]!);
  const zset = readAggregate(ctx, argv[1]!, SortedSetValue);
  const first = zset?.firstInLexRange(range) ?? null;
  if (zset === undefined || first === null) return 0;
  return zset.rankOfNode(zset.lastInLexRange(range)!) - zset.rankOfNode(first) + 1;
}

/** ZREMRANGEBY*: the range is parsed before the key is read; an emptied set is deleted. */
function removeRange(argv: string[], ctx: CommandContext, kind: RangeKind): number {
  const remover = removerFor(kind, argv[2]!, argv[3]!);
  const zset = writableAggregate(ctx, argv[1]!, SortedSetValue);
  if (zset === undefined) return 0;
  const removed = remover(zset);
  if (removed > 0) commitAggregate(ctx, argv[1]!, zset, false);
  return removed;
}

function removerFor(kind: RangeKind, minText: string, maxText: string): (zset: SortedSetValue) => number {
  if (kind === 'score') {
    const range = scoreRangeArg(minText, maxText);
    return (zset) => zset.deleteScoreRange(range);
  }
  if (kind === 'lex') {
    const range = lexRangeArg(minText, maxText);
    return (zset) => zset.deleteLexRange(range);
  }
  const start = integerArg(minText);
  const end = integerArg(maxText);
  return (zset) => {
    const ranks = clampRanks(start, end, zset.size);
    return ranks === undefined ? 0 : zset.deleteRankRange(ranks[0], ranks[1]);
  };
}

const READ = ['readonly'] as const;
const WRITE = ['write'] as const;

export const sortedSetRangeCommands = family('sorted_set', {
  zrange: {
    summary: 'Returns members in a sorted set within a range of indexes, scores or lexicographic values.',
    arity: -4, flags: READ, keys: ONE_KEY, since: '1.2.0', syntax: 'key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]',
    handler: (argv, ctx) => rangeCommand(argv, ctx, {}),
  },
  zrangestore: {
    summary: 'Stores a range of members from sorted set in a key.',
    arity: -5, flags: ['write', 'denyoom'], keys: { first: 1, last: 2, step: 1 }, since: '6.2.0',
    syntax: 'dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]',
    handler: rangeStore,
  },
  zrevrange: {
    summary: 'Returns members in a sorted set within a range of indexes in reverse order.',
    arity: -4, flags: READ, keys: ONE_KEY, since: '1.2.0', syntax: 'key start stop [WITHSCORES]',
    handler: (argv, ctx) => rangeCommand(argv, ctx, { kind: 'rank', reverse: true }),
  },
  zrangebyscore: {
    summary: 'Returns members in a sorted set within a range of scores.',
    arity: -4, flags: READ, keys: ONE_KEY, since: '1.0.5', syntax: 'key min max [WITHSCORES] [LIMIT offset count]',
    handler: (argv, ctx) => rangeCommand(argv, ctx, { kind: 'score', reverse: false }),
  },
  zrevrangebyscore: {
    summary: 'Returns members in a sorted set within a range of scores in reverse order.',
    arity: -4, flags: READ, keys: ONE_KEY, since: '2.2.0', syntax: 'key max min [WITHSCORES] [LIMIT offset count]',
    handler: (argv, ctx) => rangeCommand(argv, ctx, { kind: 'score', reverse: true }),
  },
  zrangebylex: {
    summary: 'Returns members in a sorted set within a lexicographical range.',
    arity: -4, flags: READ, keys: ONE_KEY, since: '2.8.9', syntax: 'key min max [LIMIT offset count]',
    handler: (argv, ctx) => rangeCommand(argv, ctx, { kind: 'lex', reverse: false }),
  },
  zrevrangebylex: {
    summary: 'Returns members in a sorted set within a lexicographical range in reverse order.',
    arity: -4, flags: READ, keys: ONE_KEY, since: '2.8.9', syntax: 'key max min [LIMIT offset count]',
    handler: (argv, ctx) => rangeCommand(argv, ctx, { kind: 'lex', reverse: true }),
  },
  zcount: {
    summary: 'Returns the count of members in a sorted set that have scores within a range.',
    arity: 4, flags: ['readonly', 'fast'], keys: ONE_KEY, since: '2.0.0', syntax: 'key min max',
    handler: countByScore,
  },
  zlexcount: {
    summary: 'Returns the number of members in a sorted set within a lexicographical range.',
    arity: 4, flags: ['readonly', 'fast'], keys: ONE_KEY, since: '2.8.9', syntax: 'key min max',
    handler: countByLex,
  },
  zremrangebyrank: {
    summary: 'Removes members in a sorted set within a range of indexes. Deletes the sorted set if all members were removed.',
    arity: 4, flags: WRITE, keys: ONE_KEY, since: '2.0.0', syntax: 'key start stop',
    handler: (argv, ctx) => removeRange(argv, ctx, 'rank'),
  },
  zremrangebyscore: {
    summary: 'Removes members in a sorted set within a range of scores. Deletes the sorted set if all members were removed.',
    arity: 4, flags: WRITE, keys: ONE_KEY, since: '1.2.0', syntax: 'key min max',
    handler: (argv, ctx) => removeRange(argv, ctx, 'score'),
  },
  zremrangebylex: {
    summary: 'Removes members in a sorted set within a lexicographical range. Deletes the sorted set if all members were removed.',
    arity: 4, flags: WRITE, keys: ONE_KEY, since: '2.8.9', syntax: 'key min max',
    handler: (argv, ctx) => removeRange(argv, ctx, 'lex'),
  },
});
