import { Errors } from '../errors.js';
import { parseInt64 } from './args.js';

export type ExpireUnit = 'EX' | 'PX' | 'EXAT' | 'PXAT';

const INT64_MAX = 9223372036854775807n;

/**
 * Turns an expire argument into an absolute time in ms, with Redis 7's checks: the value must be
 * an integer, positive (for SET/GETEX), and must not overflow int64 once scaled and offset.
 * The error names the calling command, as Redis does.
 */
export function absoluteExpiryMs(
  text: string,
  unit: ExpireUnit,
  nowMs: number,
  command: string,
  allowNonPositive = false,
): number {
  const value = parseInt64(text);
  if (value === undefined) throw Errors.notInteger();
  if (!allowNonPositive && value <= 0n) throw Errors.invalidExpire(command);
  const inSeconds = unit === 'EX' || unit === 'EXAT';
  if (inSeconds && (value > INT64_MAX / 1000n || value < -INT64_MAX / 1000n)) throw Errors.invalidExpire(command);
  let ms = inSeconds ? value * 1000n : value;
  if (unit === 'EX' || unit === 'PX') ms += BigInt(nowMs);
  if (ms > INT64_MAX || ms < -INT64_MAX) throw Errors.invalidExpire(command);
  return Number(ms);
}

/** TTL reply for TTL / PTTL: -2 missing, -1 persistent, else remaining time (seconds rounded). */
export function remainingTtl(expiresAtMs: number | undefined, nowMs: number, inMs: boolean): number {
  if (expiresAtMs === undefined) return -2;
  if (expiresAtMs === 0) return -1;
  const remainingMs = Math.max(0, expiresAtMs - nowMs);
  return inMs ? remainingMs : Math.floor((remainingMs + 500) / 1000);
}
