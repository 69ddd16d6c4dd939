import { Errors } from '../errors.js';
import { HashValue } from '../store/types/hash-value.js';
import { checkValueSize } from './access.js';
import {
  commitAggregate,
  randomPositions,
  readAggregate,
  scanReply,
  writableAggregate,
} from './aggregate-access.js';
import { formatHumanFloat, int64Arg, integerArg, integerReply, isInt64, isOption, parseFloatStrict, parseInt64 } from './args.js';
import { family } from './define.js';
import { MapReply, OK, type Reply } from './reply.js';
import { ONE_KEY, type CommandContext } from './types.js';
import { hincrbyfloatForms } from './replay-forms.js';

const read = (ctx: CommandContext, key: string) => readAggregate(ctx, key, HashValue);

/** The hash to write into: the existing one, or a fresh one the commit will store. */
function writable(ctx: CommandContext, key: string): { hash: HashValue; created: boolean } {
  const hash = writableAggregate(ctx, key, HashValue);
  return hash === undefined ? { hash: new HashValue(), created: true } : { hash, created: false };
}

/** HSET / HMSET: field-value pairs; returns how many fields were new. */
function setFields(argv: string[], ctx: CommandContext): number {
  if (argv.length % 2 === 1) throw Errors.wrongArity(argv[0]!.toLowerCase());
  for (let i = 3; i < argv.length; i += 2) checkValueSize(ctx, argv[i]!.length);
  const { hash, created } = writable(ctx, argv[1]!);
  let added = 0;
  for (let i = 2; i < argv.length; i += 2) if (hash.set(argv[i]!, argv[i + 1]!)) added++;
  commitAggregate(ctx, argv[1]!, hash, created);
  return added;
}

function setIfAbsent(argv: string[], ctx: CommandContext): number {
  const [, key, field, value] = argv as [string, string, string, string];
  checkValueSize(ctx, value.length);
  const { hash, created } = writable(ctx, key);
  if (hash.has(field)) return 0;
  hash.set(field, value);
  commitAggregate(ctx, key, hash, created);
  return 1;
}

function deleteFields(argv: string[], ctx: CommandContext): number {
  const hash = writableAggregate(ctx, argv[1]!, HashValue);
  if (hash === undefined) return 0;
  let deleted = 0;
  for (let i = 2; i < argv.length; i++) if (hash.delete(argv[i]!)) deleted++;
  if (deleted > 0) commitAggregate(ctx, argv[1]!, hash, false);
  return deleted;
}

function incrementBy(argv: string[], ctx: CommandContext): Reply {
  const [, key, field, incrementText] = argv as [string, string, string, string];
  const increment = int64Arg(incrementText);
  const { hash, created } = writable(ctx, key);
  const currentText = hash.get(field);
  const current = currentText === undefined ? 0n : parseInt64(currentText);
  if (current === undefined) throw Errors.hashNotInteger();
  const next = current + increment;
  if (!isInt64(next)) throw Errors.overflow();
  hash.set(field, next.toString());
  commitAggregate(ctx, key, hash, created);
  return integerReply(next);
}

function incrementByFloat(argv: string[], ctx: CommandContext): Reply {
  const [, key, field, incrementText] = argv as [string, string, string, string];
  const increment = parseFloatStrict(incrementText);
  if (increment === undefined) throw Errors.notFloat();
  if (!Number.isFinite(increment)) throw Errors.incrementNanOrInfinity();
  const { hash, created } = writable(ctx, key);
  const currentText = hash.get(field);
  const current = currentText === undefined ? 0 : parseFloatStrict(currentText);
  if (current === undefined) throw Errors.hashNotFloat();
  const next = current + increment;
  if (!Number.isFinite(next)) throw Errors.nanOrInfinity();
  const text = formatHumanFloat(next);
  hash.set(field, text);
  commitAggregate(ctx, key, hash, created);
  return text;
}

function getAll(argv: string[], ctx: CommandContext): Reply {
  const hash = read(ctx, argv[1]!);
  return new MapReply(hash === undefined ? [] : [...hash.pairs()]);
}

/** HRANDFIELD key [count [WITHVALUES]] (Redis 7.0 argument checks and RESP3 pair nesting). */
function randomFields(argv: string[], ctx: CommandContext): Reply {
  if (argv.length === 2) {
    const hash = read(ctx, argv[1]!);
    return hash === undefined ? null : hash.memberAt(hash.randomPosition());
  }
  const count = integerArg(argv[2]!);
  if (argv.length > 4 || (argv.length === 4 && !isOption(argv[3], 'WITHVALUES'))) throw Errors.syntax();
  const withValues = argv.length === 4;
  // Redis refuses counts beyond ±LONG_MAX/2 with values (the reply would need twice as many items).
  if (withValues && Math.abs(count) > 2 ** 62) throw Errors.outOfRange();
  const hash = read(ctx, argv[1]!);
  if (hash === undefined || count === 0) return [];
  const positions = randomPositions(hash.size, count);
  if (!withValues) return positions.map((p) => hash.memberAt(p));
  if (ctx.session.protocol === 3) return positions.map((p) => [hash.memberAt(p), hash.valueAt(p)]);
  return positions.flatMap((p) => [hash.memberAt(p), hash.valueAt(p)]);
}

function scanFields(argv: string[], ctx: CommandContext): Reply {
  return scanReply(argv, ctx, () => {
    const hash = read(ctx, argv[1]!);
    if (hash === undefined) return undefined;
    return { scan: (cursor, count, visit) => hash.scan(cursor, count, (p) => visit([hash.memberAt(p), hash.valueAt(p)])) };
  });
}

const W = ['write', 'denyoom', 'fast'] as const;
const R = ['readonly', 'fast'] as const;

export const hashCommands = family('hash', {
  hset: {
    summary: 'Creates or modifies the value of a field in a hash.',
    arity: -4, flags: W, keys: ONE_KEY, since: '2.0.0', syntax: 'key field value [field value ...]',
    handler: setFields,
  },
  hmset: {
    summary: 'Sets the values of multiple fields.',
    arity: -4, flags: W, keys: ONE_KEY, since: '2.0.0', syntax: 'key field value [field value ...]',
    handler: (argv, ctx) => (setFields(argv, ctx), OK),
  },
  hsetnx: {
    summary: 'Sets the value of a field in a hash only when the field doesn\'t exist.',
    arity: 4, flags: W, keys: ONE_KEY, since: '2.0.0', syntax: 'key field value',
    handler: setIfAbsent,
  },
  hget: {
    summary: 'Returns the value of a field in a hash.',
    arity: 3, flags: R, keys: ONE_KEY, since: '2.0.0', syntax: 'key field',
    handler: (argv, ctx) => read(ctx, argv[1]!)?.get(argv[2]!) ?? null,
  },
  hmget: {
    summary: 'Returns the values of all fields in a hash.',
    arity: -3, flags: R, keys: ONE_KEY, since: '2.0.0', syntax: 'key field [field ...]',
    handler: (argv, ctx) => {
      const hash = read(ctx, argv[1]!);
      return argv.slice(2).map((field) => hash?.get(field) ?? null);
    },
  },
  hgetall: {
    summary: 'Returns all fields and values in a hash.',
    arity: 2, flags: ['readonly'], keys: ONE_KEY, since: '2.0.0', syntax: 'key',
    handler: getAll,
  },
  hdel: {
    summary: 'Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain.',
    arity: -3, flags: ['write', 'fast'], keys: ONE_KEY, since: '2.0.0', syntax: 'key field [field ...]',
    handler: deleteFields,
  },
  hexists: {
    summary: 'Determines whether a field exists in a hash.',
    arity: 3, flags: R, keys: ONE_KEY, since: '2.0.0', syntax: 'key field',
    handler: (argv, ctx) => (read(ctx, argv[1]!)?.has(argv[2]!) ? 1 : 0),
  },
  hlen: {
    summary: 'Returns the number of fields in a hash.',
    arity: 2, flags: R, keys: ONE_KEY, since: '2.0.0', syntax: 'key',
    handler: (argv, ctx) => read(ctx, argv[1]!)?.size ?? 0,
  },
  hkeys: {
    summary: 'Returns all fields in a hash.',
    arity: 2, flags: ['readonly'], keys: ONE_KEY, since: '2.0.0', syntax: 'key',
    handler: (argv, ctx) => read(ctx, argv[1]!)?.memberList() ?? [],
  },
  hvals: {
    summary: 'Returns all values in a hash.',
    arity: 2, flags: ['readonly'], keys: ONE_KEY, since: '2.0.0', syntax: 'key',
    handler: (argv, ctx) => [...(read(ctx, argv[1]!)?.pairs() ?? [])].map(([, value]) => value),
  },
  hstrlen: {
    summary: 'Returns the length of the value of a field.',
    arity: 3, flags: R, keys: ONE_KEY, since: '3.2.0', syntax: 'key field',
    handler: (argv, ctx) => read(ctx, argv[1]!)?.get(argv[2]!)?.length ?? 0,
  },
  hincrby: {
    summary: 'Increments the integer value of a field in a hash by a number. Uses 0 as initial value if the field doesn\'t exist.',
    arity: 4, flags: W, keys: ONE_KEY, since: '2.0.0', syntax: 'key field increment',
    handler: incrementBy,
  },
  hincrbyfloat: {
    summary: 'Increments the floating point value of a field by a number. Uses 0 as initial value if the field doesn\'t exist.',
    arity: 4, flags: W, keys: ONE_KEY, since: '2.6.0', syntax: 'key field increment',
    handler: incrementByFloat,
    propagate: hincrbyfloatForms,
  },
  hrandfield: {
    summary: 'Returns one or more random fields from a hash.',
    arity: -2, flags: ['readonly', 'random'], keys: ONE_KEY, since: '6.2.0', syntax: 'key [count [WITHVALUES]]',
    handler: randomFields,
  },
  hscan: {
    summary: 'Iterates over fields and values of a hash.',
    arity: -3, flags: ['readonly', 'random'], keys: ONE_KEY, since: '2.8.0', syntax: 'key cursor [MATCH pattern] [COUNT count]',
    handler: scanFields,
  },
});
