import { CommandError, Errors } from '../errors.js';

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
const INTEGER_SHAPE = /^-?(0|[1-9][0-9]{0,19})$/;

/** Redis's string2ll: strict decimal, no sign '+', no spaces, no leading zeros, int64 range. */
export function parseInt64(text: string): bigint | undefined {
  if (!INTEGER_SHAPE.test(text) || text === '-0') return undefined;
  const value = BigInt(text);
  return value > INT64_MAX || value < INT64_MIN ? undefined : value;
}

/** An integer argument as a JS number (exact below 2^53, which covers counts and offsets). */
export function integerArg(text: string, error: () => CommandError = Errors.notInteger): number {
  if (text.length <= 15 && INTEGER_SHAPE.test(text) && text !== '-0') return Number(text);
  const value = parseInt64(text);
  if (value === undefined) throw error();
  return Number(value);
}

/** An int64 argument kept exact (INCRBY and friends). */
export function int64Arg(text: string): bigint {
  const value = parseInt64(text);
  if (value === undefined) throw Errors.notInteger();
  return value;
}

export function isInt64(value: bigint): boolean {
  return value <= INT64_MAX && value >= INT64_MIN;
}

/** An integer reply: a number when exact, a bigint otherwise. */
export function integerReply(value: bigint): number | bigint {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value;
}

const FLOAT_SHAPE = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * Redis's string2ld: a decimal float or ±inf/infinity, nothing around it; NaN is refused.
 * Returns undefined for anything else.
 */
export function parseFloatStrict(text: string): number | undefined {
  if (FLOAT_SHAPE.test(text)) return Number(text);
  const lower = text.toLowerCase();
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity' || lower === '+infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  return undefined;
}

export function floatArg(text: string): number {
  const value = parseFloatStrict(text);
  if (value === undefined) throw Errors.notFloat();
  return value;
}

/**
 * Redis's human float format (INCRBYFLOAT, HINCRBYFLOAT): up to 17 significant digits,
 * fixed-point, trailing zeros trimmed, never exponent notation.
 */
export function formatHumanFloat(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e21) return value.toFixed(0);
  const shortest = String(value);
  if (!shortest.includes('e')) return shortest;
  const fixed = value.toFixed(Math.min(100, Math.max(0, 17 - Math.floor(Math.log10(Math.abs(value))) - 1)));
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/** Case-insensitive option match against an upper-case keyword. */
export function isOption(text: string | undefined, keyword: string): boolean {
  return text !== undefined && text.length === keyword.length && text.toUpperCase() === keyword;
}
