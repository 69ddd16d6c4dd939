import { CommandError, Errors } from '../errors.js';
import { int64Arg } from './args.js';
import { family } from './define.js';
import { remainingTtl } from './expiry.js';
import type { Reply } from './reply.js';
import { ONE_KEY, type CommandContext } from './types.js';
import { expireForms } from './replay-forms.js';

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

type Condition = 'NX' | 'XX' | 'GT' | 'LT';

function parseConditions(argv: readonly string[]): Set<Condition> {
  const conditions = new Set<Condition>();
  for (let i = 3; i < argv.length; i++) {
    const option = argv[i]!.toUpperCase();
    if (option !== 'NX' && option !== 'XX' && option !== 'GT' && option !== 'LT') {
      throw new CommandError(`ERR Unsupported option ${argv[i]!}`);
    }
    conditions.add(option);
  }
  if (conditions.has('NX') && conditions.size > 1) {
    throw new CommandError('ERR NX and XX, GT or LT options at the same time are not compatible');
  }
  if (conditions.has('GT') && conditions.has('LT')) {
    throw new CommandError('ERR GT and LT options at the same time are not compatible');
  }
  return conditions;
}

/** Whether NX/XX/GT/LT allow replacing `currentMs` (0 = persistent, i.e. infinite) with `whenMs`. */
function conditionsAllow(conditions: Set<Condition>, currentMs: number, whenMs: number): boolean {
  if (conditions.has('NX') && currentMs !== 0) return false;
  if (conditions.has('XX') && currentMs === 0) return false;
  if (conditions.has('GT') && (currentMs === 0 || whenMs <= currentMs)) return false;
  if (conditions.has('LT') && currentMs !== 0 && whenMs >= currentMs) return false;
  return true;
}

/**
 * EXPIRE / PEXPIRE / EXPIREAT / PEXPIREAT (Redis 7.0 expireGenericCommand). Negative times are
 * allowed and delete the key; only int64 overflow of the scaled, offset time is an error.
 */
function expireCommand(argv: string[], ctx: CommandContext, inSeconds: boolean, relative: boolean): Reply {
  let when = int64Arg(argv[2]!);
  const conditions = parseConditions(argv);
  const name = argv[0]!.toLowerCase();
  if (inSeconds) {
    if (when > INT64_MAX / 1000n || when < INT64_MIN / 1000n) throw Errors.invalidExpire(name);
    when *= 1000n;
  }
  if (relative) {
    if (when > INT64_MAX - BigInt(ctx.nowMs)) throw Errors.invalidExpire(name);
    when += BigInt(ctx.nowMs);
  }
  const key = argv[1]!;
  const entry = ctx.db.lookup(key, ctx.nowMs);
  if (entry === undefined) return 0;
  const whenMs = Number(when);
  if (!conditionsAllow(conditions, entry.expiresAtMs, whenMs)) return 0;
  if (whenMs <= ctx.nowMs) ctx.db.delete(key);
  else ctx.db.setExpiry(key, entry, whenMs);
  return 1;
}

function ttlOf(ctx: CommandContext, key: string): number | undefined {
  return ctx.db.lookup(key, ctx.nowMs)?.expiresAtMs;
}

function expireTime(ctx: CommandContext, key: string, inMs: boolean): number {
  const expiresAtMs = ttlOf(ctx, key);
  if (expiresAtMs === undefined) return -2;
  if (expiresAtMs === 0) return -1;
  return inMs ? expiresAtMs : Math.floor(expiresAtMs / 1000);
}

const CONDITIONS = '[NX | XX | GT | LT]';

export const expireCommands = family('generic', {
  expire: {
    summary: 'Sets the expiration time of a key in seconds.',
    arity: -3, flags: ['write', 'fast'], keys: ONE_KEY, syntax: `key seconds ${CONDITIONS}`,
    handler: (argv, ctx) => expireCommand(argv, ctx, true, true),
    propagate: expireForms,
  },
  pexpire: {
    summary: 'Sets the expiration time of a key in milliseconds.',
    arity: -3, flags: ['write', 'fast'], keys: ONE_KEY, since: '2.6.0', syntax: `key milliseconds ${CONDITIONS}`,
    handler: (argv, ctx) => expireCommand(argv, ctx, false, true),
    propagate: expireForms,
  },
  expireat: {
    summary: 'Sets the expiration time of a key to a Unix timestamp.',
    arity: -3, flags: ['write', 'fast'], keys: ONE_KEY, since: '1.2.0', syntax: `key unix-time-seconds ${CONDITIONS}`,
    handler: (argv, ctx) => expireCommand(argv, ctx, true, false),
    propagate: expireForms,
  },
  pexpireat: {
    summary: 'Sets the expiration time of a key to a Unix milliseconds timestamp.',
    arity: -3, flags: ['write', 'fast'], keys: ONE_KEY, since: '2.6.0', syntax: `key unix-time-milliseconds ${CONDITIONS}`,
    handler: (argv, ctx) => expireCommand(argv, ctx, false, false),
    propagate: expireForms,
  },
  expiretime: {
    summary: 'Returns the expiration time of a key as a Unix timestamp.',
    arity: 2, flags: ['readonly', 'fast'], keys: ONE_KEY, since: '7.0.0', syntax: 'key',
    handler: (argv, ctx) => expireTime(ctx, argv[1]!, false),
  },
  pexpiretime: {
    summary: 'Returns the expiration time of a key as a Unix milliseconds timestamp.',
    arity: 2, flags: ['readonly', 'fast'], keys: ONE_KEY, since: '7.0.0', syntax: 'key',
    handler: (argv, ctx) => expireTime(ctx, argv[1]!, true),
  },
  ttl: {
    summary: 'Returns the expiration time in seconds of a key.',
    arity: 2, flags: ['readonly', 'fast'], keys: ONE_KEY, syntax: 'key',
    handler: (argv, ctx) => remainingTtl(ttlOf(ctx, argv[1]!), ctx.nowMs, false),
  },
  pttl: {
    summary: 'Returns the expiration time in milliseconds of a key.',
    arity: 2, flags: ['readonly', 'fast'], keys: ONE_KEY, since: '2.6.0', syntax: 'key',
    handler: (argv, ctx) => remainingTtl(ttlOf(ctx, argv[1]!), ctx.nowMs, true),
  },
  persist: {
    summary: 'Removes the expiration time of a key.',
    arity: 2, flags: ['write', 'fast'], keys: ONE_KEY, since: '2.2.0', syntax: 'key',
    handler: (argv, ctx) => {
      const entry = ctx.db.lookup(argv[1]!, ctx.nowMs);
      if (entry === undefined || entry.expiresAtMs === 0) return 0;
      ctx.db.setExpiry(argv[1]!, entry, 0);
      return 1;
    },
  },
});
