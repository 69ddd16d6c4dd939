import { Errors } from '../errors.js';
import { checkValueSize, readString, storeString, writableString } from './access.js';
import { int64Arg, integerArg, integerReply, isInt64, parseInt64 } from './args.js';
import { family } from './define.js';
import { absoluteExpiryMs, type ExpireUnit } from './expiry.js';
import { OK, type Reply } from './reply.js';
import { setValue } from './set-command.js';
import { ALL_KEYS, ONE_KEY, type CommandContext } from './types.js';
import { floatIncrement } from './string-float.js';
import { getexForms, incrbyfloatForms, setForms } from './replay-forms.js';

const PAIRS = { first: 1, last: -1, step: 2 };

function mset(argv: string[], ctx: CommandContext, onlyIfNoneExist: boolean): Reply {
  if (argv.length % 2 === 0) throw Errors.wrongArity(argv[0]!.toLowerCase());
  if (onlyIfNoneExist) {
    for (let i = 1; i < argv.length; i += 2) if (ctx.db.lookup(argv[i]!, ctx.nowMs) !== undefined) return 0;
  }
  for (let i = 1; i < argv.length; i += 2) {
    checkValueSize(ctx, argv[i + 1]!.length);
    ctx.db.set(argv[i]!, argv[i + 1]!, 0, undefined, ctx.nowMs);
  }
  return onlyIfNoneExist ? 1 : OK;
}

/** INCR / DECR / INCRBY / DECRBY: int64 arithmetic with Redis's overflow error. */
function incrementBy(ctx: CommandContext, key: string, delta: bigint): Reply {
  const { entry, value } = writableString(ctx, key);
  const current = value === undefined ? 0n : parseInt64(value);
  if (current === undefined) throw Errors.notInteger();
  const next = current + delta;
  if (!isInt64(next)) throw Errors.overflow();
  const text = next.toString();
  storeString(ctx, key, entry, text);
  return integerReply(next);
}

/** GETEX's options: at most one of EX/PX/EXAT/PXAT/PERSIST. */
function getexExpiry(argv: string[], nowMs: number): number | 'persist' | undefined {
  if (argv.length === 2) return undefined;
  const option = argv[2]!.toUpperCase();
  if (option === 'PERSIST' && argv.length === 3) return 'persist';
  if (['EX', 'PX', 'EXAT', 'PXAT'].includes(option) && argv.length === 4) {
    return absoluteExpiryMs(argv[3]!, option as ExpireUnit, nowMs, 'getex');
  }
  throw Errors.syntax();
}

/** Redis's GETRANGE index clamping (7.0 semantics). */
function substring(value: string, startArg: string, endArg: string): string {
  let start = integerArg(startArg);
  let end = integerArg(endArg);
  const length = value.length;
  if (start < 0 && end < 0 && start > end) return '';
  if (start < 0) start = Math.max(0, length + start);
  if (end < 0) end = Math.max(0, length + end);
  if (end >= length) end = length - 1;
  if (length === 0 || start > end) return '';
  return value.slice(start, end + 1);
}

export const stringCommands = family('string', {
  get: {
    summary: 'Returns the string value of a key.',
    arity: 2, flags: ['readonly', 'fast'], keys: ONE_KEY, syntax: 'key',
    handler: (argv, ctx) => readString(ctx, argv[1]!) ?? null,
  },
  set: {
    summary: 'Sets the string value of a key, ignoring its type. The key is created if it doesn\'t exist.',
    arity: -3, flags: ['write', 'denyoom'], keys: ONE_KEY,
    syntax: 'key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]',
    handler: (argv, ctx) => setValue(argv, ctx),
    propagate: setForms(2),
  },
  setnx: {
    summary: 'Set the string value of a key only when the key doesn\'t exist.',
    arity: 3, flags: ['write', 'denyoom', 'fast'], keys: ONE_KEY, syntax: 'key value',
    handler: (argv, ctx) => {
      if (ctx.db.lookup(argv[1]!, ctx.nowMs) !== undefined) return 0;
      checkValueSize(ctx, argv[2]!.length);
      ctx.db.set(argv[1]!, argv[2]!, 0, undefined, ctx.nowMs);
      return 1;
    },
  },
  setex: {
    summary: 'Sets the string value and expiration time of a key. Creates the key if it doesn\'t exist.',
    arity: 4, flags: ['write', 'denyoom'], keys: ONE_KEY, since: '2.0.0', syntax: 'key seconds value',
    handler: (argv, ctx) => setValue([argv[0]!, argv[1]!, argv[3]!, 'EX', argv[2]!], ctx, 'setex'),
    propagate: setForms(3),
  },
  psetex: {
    summary: 'Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn\'t exist.',
    arity: 4, flags: ['write', 'denyoom'], keys: ONE_KEY, since: '2.6.0', syntax: 'key milliseconds value',
    handler: (argv, ctx) => setValue([argv[0]!, argv[1]!, argv[3]!, 'PX', argv[2]!], ctx, 'psetex'),
    propagate: setForms(3),
  },
  getset: {
    summary: 'Returns the previous string value of a key after setting it to a new value.',
    arity: 3, flags: ['write', 'denyoom', 'fast'], keys: ONE_KEY, syntax: 'key value',
    handler: (argv, ctx) => setValue([argv[0]!, argv[1]!, argv[2]!, 'GET'], ctx, 'getset'),
  },
  getdel: {
    summary: 'Returns the string value of a key after deleting the key.',
    arity: 2, flags: ['write', 'fast'], keys: ONE_KEY, since: '6.2.0', syntax: 'key',
    handler: (argv, ctx) => {
      const value = readString(ctx, argv[1]!);
      if (value !== undefined) ctx.db.delete(argv[1]!);
      return value ?? null;
    },
  },
  getex: {
    summary: 'Returns the string value of a key after setting its expiration time.',
    arity: -2, flags: ['write', 'fast'], keys: ONE_KEY, since: '6.2.0',
    syntax: 'key [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | PERSIST]',
    handler: (argv, ctx) => {
      const key = argv[1]!;
      const expiry = getexExpiry(argv, ctx.nowMs);
      const value = readString(ctx, key);
      const entry = value === undefined ? undefined : ctx.db.lookup(key, ctx.nowMs);
      if (entry === undefined || expiry === undefined) return value ?? null;
      if (expiry === 'persist') {
        if (entry.expiresAtMs !== 0) ctx.db.setExpiry(key, entry, 0);
      } else if (expiry <= ctx.nowMs) ctx.db.delete(key);
      else ctx.db.setExpiry(key, entry, expiry);
      return value ?? null;
    },
    propagate: getexForms,
  },
  mget: {
    summary: 'Atomically returns the string values of one or more keys.',
    arity: -2, flags: ['readonly', 'fast'], keys: ALL_KEYS, syntax: 'key [key ...]',
    handler: (argv, ctx) => {
      const values: Reply[] = [];
      for (let i = 1; i < argv.length; i++) {
        const entry = ctx.db.lookup(argv[i]!, ctx.nowMs);
        values.push(entry !== undefined && typeof entry.value === 'string' ? entry.value : null);
      }
      return values;
    },
  },
  mset: {
    summary: 'Atomically creates or modifies the string values of one or more keys.',
    arity: -3, flags: ['write', 'denyoom'], keys: PAIRS, since: '1.0.1', syntax: 'key value [key value ...]',
    handler: (argv, ctx) => mset(argv, ctx, false),
  },
  msetnx: {
    summary: 'Atomically modifies the string values of one or more keys only when all keys don\'t exist.',
    arity: -3, flags: ['write', 'denyoom'], keys: PAIRS, since: '1.0.1', syntax: 'key value [key value ...]',
    handler: (argv, ctx) => mset(argv, ctx, true),
  },
  append: {
    summary: 'Appends a string to the value of a key. Creates the key if it doesn\'t exist.',
    arity: 3, flags: ['write', 'denyoom', 'fast'], keys: ONE_KEY, since: '2.0.0', syntax: 'key value',
    handler: (argv, ctx) => {
      const { entry, value } = writableString(ctx, argv[1]!);
      const next = (value ?? '') + argv[2]!;
      checkValueSize(ctx, next.length);
      storeString(ctx, argv[1]!, entry, next);
      return next.length;
    },
  },
  strlen: {
    summary: 'Returns the length of a string value.',
    arity: 2, flags: ['readonly', 'fast'], keys: ONE_KEY, since: '2.2.0', syntax: 'key',
    handler: (argv, ctx) => readString(ctx, argv[1]!)?.length ?? 0,
  },
  getrange: {
    summary: 'Returns a substring of the string stored at a key.',
    arity: 4, flags: ['readonly'], keys: ONE_KEY, since: '2.4.0', syntax: 'key start end',
    handler: (argv, ctx) => substring(readString(ctx, argv[1]!) ?? '', argv[2]!, argv[3]!),
  },
  substr: {
    summary: 'Returns a substring from a string value (deprecated alias of GETRANGE).',
    arity: 4, flags: ['readonly'], keys: ONE_KEY, syntax: 'key start end',
    handler: (argv, ctx) => substring(readString(ctx, argv[1]!) ?? '', argv[2]!, argv[3]!),
  },
  setrange: {
    summary: 'Overwrites a part of a string value with another by an offset. Creates the key if it doesn\'t exist.',
    arity: 4, flags: ['write', 'denyoom'], keys: ONE_KEY, since: '2.2.0', syntax: 'key offset value',
    handler: (argv, ctx) => {
      const offset = integerArg(argv[2]!);
      if (offset < 0) throw Errors.offsetOutOfRange();
      const patch = argv[3]!;
      const { entry, value } = writableString(ctx, argv[1]!);
      const current = value ?? '';
      if (patch.length === 0) return current.length;
      checkValueSize(ctx, offset + patch.length);
      const padded = current.length < offset ? current + '\0'.repeat(offset - current.length) : current;
      const next = padded.slice(0, offset) + patch + padded.slice(offset + patch.length);
      storeString(ctx, argv[1]!, entry, next);
      return next.length;
    },
  },
  incr: {
    summary: 'Increments the integer value of a key by one. Uses 0 as initial value if the key doesn\'t exist.',
    arity: 2, flags: ['write', 'denyoom', 'fast'], keys: ONE_KEY, syntax: 'key',
    handler: (argv, ctx) => incrementBy(ctx, argv[1]!, 1n),
  },
  decr: {
    summary: 'Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn\'t exist.',
    arity: 2, flags: ['write', 'denyoom', 'fast'], keys: ONE_KEY, syntax: 'key',
    handler: (argv, ctx) => incrementBy(ctx, argv[1]!, -1n),
  },
  incrby: {
    summary: 'Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn\'t exist.',
    arity: 3, flags: ['write', 'denyoom', 'fast'], keys: ONE_KEY, syntax: 'key increment',
    handler: (argv, ctx) => incrementBy(ctx, argv[1]!, int64Arg(argv[2]!)),
  },
  decrby: {
    summary: 'Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn\'t exist.',
    arity: 3, flags: ['write', 'denyoom', 'fast'], keys: ONE_KEY, syntax: 'key decrement',
    handler: (argv, ctx) => {
      const delta = int64Arg(argv[2]!);
      if (delta === -9223372036854775808n) throw Errors.decrementOverflow();
      return incrementBy(ctx, argv[1]!, -delta);
    },
  },
  incrbyfloat: {
    summary: 'Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn\'t exist.',
    arity: 3, flags: ['write', 'denyoom', 'fast'], keys: ONE_KEY, since: '2.6.0', syntax: 'key increment',
    handler: (argv, ctx) => floatIncrement(ctx, argv[1]!, argv[2]!),
    propagate: incrbyfloatForms,
  },
});
