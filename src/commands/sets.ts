import { Errors } from '../errors.js';
import { SetValue } from '../store/types/set-value.js';
import { checkValueSize } from './access.js';
import {
  commitAggregate,
  nonNegativeCount,
  numKeysArg,
  randomPositions,
  readAggregate,
  scanReply,
  writableAggregate,
} from './aggregate-access.js';
import { integerArg, isOption } from './args.js';
import { family } from './define.js';
import { type Reply, SetReply } from './reply.js';
import { ALL_KEYS, ONE_KEY, type CommandContext } from './types.js';
import { spopForms } from './replay-forms.js';

const read = (ctx: CommandContext, key: string) => readAggregate(ctx, key, SetValue);

function add(argv: string[], ctx: CommandContext): number {
  for (let i = 2; i < argv.length; i++) checkValueSize(ctx, argv[i]!.length);
  const key = argv[1]!;
  const existing = writableAggregate(ctx, key, SetValue);
  const set = existing ?? new SetValue();
  let added = 0;
  for (let i = 2; i < argv.length; i++) if (set.add(argv[i]!)) added++;
  if (added > 0) commitAggregate(ctx, key, set, existing === undefined);
  return added;
}

function remove(argv: string[], ctx: CommandContext): number {
  const set = writableAggregate(ctx, argv[1]!, SetValue);
  if (set === undefined) return 0;
  let removed = 0;
  for (let i = 2; i < argv.length; i++) if (set.delete(argv[i]!)) removed++;
  if (removed > 0) commitAggregate(ctx, argv[1]!, set, false);
  return removed;
}

/** SPOP key [count]: a bulk string without count, a set with one. */
function pop(argv: string[], ctx: CommandContext): Reply {
  if (argv.length > 3) throw Errors.syntax();
  const count = argv.length === 3 ? nonNegativeCount(argv[2]!) : undefined;
  const key = argv[1]!;
  const set = writableAggregate(ctx, key, SetValue);
  if (set === undefined) return count === undefined ? null : new SetReply([]);
  const popped: string[] = [];
  for (let i = 0; i < (count ?? 1) && set.size > 0; i++) {
    const member = set.memberAt(set.randomPosition());
    set.delete(member);
    popped.push(member);
  }
  if (popped.length > 0) commitAggregate(ctx, key, set, false);
  return count === undefined ? popped[0]! : new SetReply(popped);
}

/** SRANDMEMBER key [count]: positive counts are distinct members, negative ones may repeat. */
function randomMembers(argv: string[], ctx: CommandContext): Reply {
  if (argv.length > 3) throw Errors.syntax();
  const count = argv.length === 3 ? integerArg(argv[2]!) : undefined;
  const set = read(ctx, argv[1]!);
  if (count === undefined) return set === undefined ? null : set.memberAt(set.randomPosition());
  if (set === undefined) return [];
  return randomPositions(set.size, count).map((position) => set.memberAt(position));
}

function move(argv: string[], ctx: CommandContext): number {
  const [, source, destination, member] = argv as [string, string, string, string];
  const sourceSet = writableAggregate(ctx, source, SetValue);
  const existingTarget = writableAggregate(ctx, destination, SetValue);
  if (sourceSet === undefined) return 0;
  if (source === destination) return sourceSet.has(member) ? 1 : 0;
  if (!sourceSet.delete(member)) return 0;
  commitAggregate(ctx, source, sourceSet, false);
  const target = existingTarget ?? new SetValue();
  if (target.add(member)) commitAggregate(ctx, destination, target, existingTarget === undefined);
  return 1;
}

/** Every named set, type-checked up front (a missing key is an empty set). */
function setsAt(ctx: CommandContext, keys: readonly string[]): Array<SetValue | undefined> {
  return keys.map((key) => read(ctx, key));
}

/** SINTER's core: walks the smallest set, probing the others; stops early at `limit` (0 = none). */
export function intersect(sets: ReadonlyArray<SetValue | undefined>, limit = 0): string[] {
  if (sets.some((set) => set === undefined)) return [];
  const ordered = (sets as SetValue[]).slice().sort((a, b) => a.size - b.size);
  const [smallest, ...others] = ordered;
  const members: string[] = [];
  for (const member of smallest!) {
    if (others.every((set) => set.has(member))) members.push(member);
    if (limit > 0 && members.length >= limit) break;
  }
  return members;
}

function union(sets: ReadonlyArray<SetValue | undefined>): string[] {
  const members = new Set<string>();
  for (const set of sets) if (set !== undefined) for (const member of set) members.add(member);
  return [...members];
}

function difference(sets: ReadonlyArray<SetValue | undefined>): string[] {
  const [first, ...others] = sets;
  if (first === undefined) return [];
  return [...first].filter((member) => !others.some((set) => set?.has(member)));
}

type Algebra = (sets: ReadonlyArray<SetValue | undefined>) => string[];

function algebraReply(argv: string[], ctx: CommandContext, operation: Algebra): Reply {
  return new SetReply(operation(setsAt(ctx, argv.slice(1))));
}

/** S*STORE: replaces the destination (whatever its type or TTL); an empty result deletes it. */
function algebraStore(argv: string[], ctx: CommandContext, operation: Algebra): number {
  const members = operation(argv.slice(2).map((key) => writableAggregate(ctx, key, SetValue)));
  const destination = argv[1]!;
  if (members.length === 0) ctx.db.delete(destination);
  else ctx.db.set(destination, SetValue.of(members));
  return members.length;
}

function intersectCardinality(argv: string[], ctx: CommandContext): number {
  const { keys } = numKeysArg(argv, 1);
  let limit = 0;
  const rest = argv.slice(2 + keys.length);
  for (let i = 0; i < rest.length; i += 2) {
    if (!isOption(rest[i], 'LIMIT') || rest[i + 1] === undefined) throw Errors.syntax();
    limit = nonNegativeCount(rest[i + 1]!, "LIMIT can't be negative");
  }
  return intersect(setsAt(ctx, keys), limit).length;
}

function scanMembers(argv: string[], ctx: CommandContext): Reply {
  return scanReply(argv, ctx, () => {
    const set = read(ctx, argv[1]!);
    if (set === undefined) return undefined;
    return { scan: (cursor, count, visit) => set.scan(cursor, count, (p) => visit([set.memberAt(p)])) };
  });
}

const STORE_KEYS = { first: 1, last: -1, step: 1 };
const NUMKEYS = { first: 2, last: -1, step: 1 };

export const setCommands = family('set', {
  sadd: {
    summary: 'Adds one or more members to a set. Creates the key if it doesn\'t exist.',
    arity: -3, flags: ['write', 'denyoom', 'fast'], keys: ONE_KEY, syntax: 'key member [member ...]',
    handler: add,
  },
  srem: {
    summary: 'Removes one or more members from a set. Deletes the set if the last member was removed.',
    arity: -3, flags: ['write', 'fast'], keys: ONE_KEY, syntax: 'key member [member ...]',
    handler: remove,
  },
  smembers: {
    summary: 'Returns all members of a set.',
    arity: 2, flags: ['readonly'], keys: ONE_KEY, syntax: 'key',
    handler: (argv, ctx) => new SetReply(read(ctx, argv[1]!)?.memberList() ?? []),
  },
  sismember: {
    summary: 'Determines whether a member belongs to a set.',
    arity: 3, flags: ['readonly', 'fast'], keys: ONE_KEY, syntax: 'key member',
    handler: (argv, ctx) => (read(ctx, argv[1]!)?.has(argv[2]!) ? 1 : 0),
  },
  smismember: {
    summary: 'Determines whether multiple members belong to a set.',
    arity: -3, flags: ['readonly', 'fast'], keys: ONE_KEY, since: '6.2.0', syntax: 'key member [member ...]',
    handler: (argv, ctx) => {
      const set = read(ctx, argv[1]!);
      return argv.slice(2).map((member) => (set?.has(member) ? 1 : 0));
    },
  },
  scard: {
    summary: 'Returns the number of members in a set.',
    arity: 2, flags: ['readonly', 'fast'], keys: ONE_KEY, syntax: 'key',
    handler: (argv, ctx) => read(ctx, argv[1]!)?.size ?? 0,
  },
  spop: {
    summary: 'Returns one or more random members from a set after removing them. Deletes the set if the last member was popped.',
    arity: -2, flags: ['write', 'random', 'fast'], keys: ONE_KEY, syntax: 'key [count]',
    handler: pop,
    propagate: spopForms,
  },
  srandmember: {
    summary: 'Get one or multiple random members from a set',
    arity: -2, flags: ['readonly', 'random'], keys: ONE_KEY, syntax: 'key [count]',
    handler: randomMembers,
  },
  smove: {
    summary: 'Moves a member from one set to another.',
    arity: 4, flags: ['write', 'fast'], keys: { first: 1, last: 2, step: 1 }, syntax: 'source destination member',
    handler: move,
  },
  sinter: {
    summary: 'Returns the intersect of multiple sets.',
    arity: -2, flags: ['readonly'], keys: ALL_KEYS, syntax: 'key [key ...]',
    handler: (argv, ctx) => algebraReply(argv, ctx, intersect),
  },
  sintercard: {
    summary: 'Returns the number of members of the intersect of multiple sets.',
    arity: -3, flags: ['readonly'], keys: NUMKEYS, since: '7.0.0', syntax: 'numkeys key [key ...] [LIMIT limit]',
    handler: intersectCardinality,
  },
  sinterstore: {
    summary: 'Stores the intersect of multiple sets in a key.',
    arity: -3, flags: ['write', 'denyoom'], keys: STORE_KEYS, syntax: 'destination key [key ...]',
    handler: (argv, ctx) => algebraStore(argv, ctx, intersect),
  },
  sunion: {
    summary: 'Returns the union of multiple sets.',
    arity: -2, flags: ['readonly'], keys: ALL_KEYS, syntax: 'key [key ...]',
    handler: (argv, ctx) => algebraReply(argv, ctx, union),
  },
  sunionstore: {
    summary: 'Stores the union of multiple sets in a key.',
    arity: -3, flags: ['write', 'denyoom'], keys: STORE_KEYS, syntax: 'destination key [key ...]',
    handler: (argv, ctx) => algebraStore(argv, ctx, union),
  },
  sdiff: {
    summary: 'Returns the difference of multiple sets.',
    arity: -2, flags: ['readonly'], keys: ALL_KEYS, syntax: 'key [key ...]',
    handler: (argv, ctx) => algebraReply(argv, ctx, difference),
  },
  sdiffstore: {
    summary: 'Stores the difference of multiple sets in a key.',
    arity: -3, flags: ['write', 'denyoom'], keys: STORE_KEYS, syntax: 'destination key [key ...]',
    handler: (argv, ctx) => algebraStore(argv, ctx, difference),
  },
  sscan: {
    summary: 'Iterates over members of a set.',
    arity: -3, flags: ['readonly', 'random'], keys: ONE_KEY, since: '2.8.0', syntax: 'key cursor [MATCH pattern] [COUNT count]',
    handler: scanMembers,
  },
});
