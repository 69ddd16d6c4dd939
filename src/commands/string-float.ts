import { Errors } from '../errors.js';
import { checkValueSize, storeString, writableString } from './access.js';
import { formatHumanFloat, parseFloatStrict } from './args.js';
import type { Reply } from './reply.js';
import type { CommandContext } from './types.js';

/** INCRBYFLOAT: the stored text and the increment must both be valid floats; NaN/Inf refused. */
export function floatIncrement(ctx: CommandContext, key: string, incrementText: string): Reply {
  const { entry, value } = writableString(ctx, key);
  const current = value === undefined ? 0 : parseFloatStrict(value);
  const increment = parseFloatStrict(incrementText);
  if (current === undefined || increment === undefined) throw Errors.notFloat();
  const next = current + increment;
  if (!Number.isFinite(next)) throw Errors.nanOrInfinity();
  const text = formatHumanFloat(next);
  checkValueSize(ctx, text.length);
  storeString(ctx, key, entry, text);
  return text;
}
