import { Errors } from '../errors.js';
import { checkValueSize, writableString } from './access.js';
import { absoluteExpiryMs, type ExpireUnit } from './expiry.js';
import { OK, type Reply } from './reply.js';
import type { CommandContext } from './types.js';

interface SetOptions {
  condition: 'NX' | 'XX' | undefined;
  get: boolean;
  keepTtl: boolean;
  expireUnit: ExpireUnit | undefined;
  expireText: string | undefined;
}

/** Redis 7's SET option grammar: each group at most once, conflicting groups are a syntax error. */
function parseSetOptions(argv: readonly string[]): SetOptions {
  const options: SetOptions = { condition: undefined, get: false, keepTtl: false, expireUnit: undefined, expireText: undefined };
  for (let i = 3; i < argv.length; i++) {
    const option = argv[i]!.toUpperCase();
    if ((option === 'NX' || option === 'XX') && options.condition !== (option === 'NX' ? 'XX' : 'NX')) {
      options.condition = option;
    } else if (option === 'GET') {
      options.get = true;
    } else if (option === 'KEEPTTL' && options.expireUnit === undefined) {
      options.keepTtl = true;
    } else if (isExpireUnit(option) && !options.keepTtl && options.expireUnit === undefined && i + 1 < argv.length) {
      options.expireUnit = option;
      options.expireText = argv[++i]!;
    } else {
      throw Errors.syntax();
    }
  }
  return options;
}

function isExpireUnit(option: string): option is ExpireUnit {
  return option === 'EX' || option === 'PX' || option === 'EXAT' || option === 'PXAT';
}

/**
 * SET and the commands Redis implements through it (SETEX, PSETEX, GETSET). `name` is the command
 * the client typed, which Redis puts in the invalid-expire error.
 */
export function setValue(argv: readonly string[], ctx: CommandContext, name = 'set'): Reply {
  const key = argv[1]!;
  const value = argv[2]!;
  const options = argv.length > 3 ? parseSetOptions(argv) : undefined;
  const expiresAtMs =
    options?.expireUnit === undefined ? 0 : absoluteExpiryMs(options.expireText!, options.expireUnit, ctx.nowMs, name);
  checkValueSize(ctx, value.length);
  if (options === undefined) {
    ctx.db.set(key, value, 0, undefined, ctx.nowMs);
    return OK;
  }
  const previous = options.get ? writableString(ctx, key) : undefined;
  const existing = previous?.entry ?? ctx.db.lookup(key, ctx.nowMs);
  const blocked = (options.condition === 'NX' && existing !== undefined) || (options.condition === 'XX' && existing === undefined);
  if (!blocked) {
    const keptMs = options.keepTtl && existing !== undefined ? existing.expiresAtMs : 0;
    ctx.db.set(key, value, expiresAtMs || keptMs, undefined, ctx.nowMs);
  }
  if (options.get) return previous?.value ?? null;
  return blocked ? null : OK;
}
