/**
 * Shared plumbing for the hash, list, set and sorted-set families: typed lookups with WRONGTYPE,
 * the one write-commit rule (empty aggregates are deleted, as Redis never keeps one), Redis's
 * range-checked integer arguments, and the *SCAN reply shape.
 */
import { Errors } from '../errors.js';
import type { AggregateValue } from '../store/entry.js';
import { globMatch } from '../store/glob.js';
import { readEntry } from './access.js';
import { parseInt64 } from './args.js';
import { parseCursor, parseScanOptions } from './keys.js';
import type { Reply } from './reply.js';
import type { CommandContext } from './types.js';

export type AggregateClass<T extends AggregateValue> = abstract new (...args: never[]) => T;

/** What every aggregate exposes for the emptiness check (lists count `length`, others `size`). */
type Sized = AggregateValue & ({ readonly size: number } | { readonly length: number });

/** The value at `key` for a read (counts a keyspace hit or miss); WRONGTYPE for another type. */
export function readAggregate<T extends AggregateValue>(ctx: CommandContext, key: string, kind: AggregateClass<T>): T | undefined {
  const entry = readEntry(ctx, key);
  if (entry === undefined) return undefined;
  if (!(entry.value instanceof kind)) throw Errors.wrongType();
  return entry.value;
}

/**
 * The value at `key` for a write path (no hit/miss accounting; a running snapshot capture copies
 * it before the caller changes it in place); WRONGTYPE for another type.
 */
export function writableAggregate<T extends AggregateValue>(ctx: CommandContext, key: string, kind: AggregateClass<T>): T | undefined {
  const entry = ctx.db.lookupForWrite(key, ctx.nowMs);
  if (entry === undefined) return undefined;
  if (!(entry.value instanceof kind)) throw Errors.wrongType();
  return entry.value;
}

function sizeOf(value: Sized): number {
  return 'size' in value ? value.size : value.length;
}

/**
 * Publishes a write. A value created by this command is stored (if non-empty); an existing one is
 * deleted when the write emptied it, or touched so dirty counts, key listeners (WATCH, blocked
 * clients, the log) see the change. Call only when something changed.
 */
export function commitAggregate(ctx: CommandContext, key: string, value: Sized, created: boolean): void {
  const empty = sizeOf(value) === 0;
  if (created) {
    if (!empty) ctx.db.set(key, value);
  } else if (empty) {
    ctx.db.delete(key);
  } else {
    ctx.db.touch(key);
  }
}

/**
 * Redis's range-checked long parsers: a non-integer or a value below `min` answers `message`
 * when the command supplies one, else Redis's generic texts.
 */
export function integerAtLeast(text: string, min: number, message?: string): number {
  const value = parseInt64(text);
  if (value === undefined) throw message === undefined ? Errors.notInteger() : Errors.rangeMessage(message);
  if (value < BigInt(min)) {
    if (message !== undefined) throw Errors.rangeMessage(message);
    throw min === 0 ? Errors.mustBePositive() : Errors.outOfRange();
  }
  return Number(value);
}

/** A count argument that must not be negative (getPositiveLongFromObjectOrReply). */
export function nonNegativeCount(text: string, message?: string): number {
  return integerAtLeast(text, 0, message);
}

/** `numkeys` of the multi-key commands (SINTERCARD, LMPOP, ZMPOP, ZINTERCARD). */
export function numKeysArg(argv: readonly string[], index: number): { numKeys: number; keys: string[] } {
  const numKeys = integerAtLeast(argv[index]!, 1, 'numkeys should be greater than 0');
  if (numKeys > argv.length - index - 1) throw Errors.tooManyKeysForArgs();
  return { numKeys, keys: argv.slice(index + 1, index + 1 + numKeys) };
}

/** Anything that can be scanned: visits positions and reports the text(s) each one contributes. */
export interface Scannable {
  scan(cursor: number, count: number, visit: (item: [string, ...string[]]) => void): number;
}

/**
 * HSCAN / SSCAN / ZSCAN: `key cursor [MATCH pattern] [COUNT count]`. The cursor is validated
 * before the key is read, as in Redis. MATCH filters on the first text of each item (the field
 * or member); the rest (value, score) rides along.
 */
export function scanReply(argv: readonly string[], ctx: CommandContext, lookup: () => Scannable | undefined): Reply {
  const cursor = parseCursor(argv[2]!);
  const { pattern, count } = parseScanOptions(argv, 3, false);
  const target = lookup();
  if (target === undefined) return ['0', []];
  const items: string[] = [];
  const next = target.scan(cursor, count, (item) => {
    if (pattern === undefined || globMatch(pattern, item[0])) items.push(...item);
  });
  return [String(next), items];
}

/** Largest |count| a negative-count random pick (with repeats) will serve; beyond it is an error. */
export const MAX_RANDOM_PICKS = 2 ** 32;

/**
 * Positions for HRANDFIELD / SRANDMEMBER / ZRANDMEMBER with a count: `count >= 0` gives
 * min(count, size) distinct positions (a partial Fisher–Yates shuffle over a sparse swap map,
 * so O(count) whatever the size); `count < 0` gives |count| positions that may repeat.
 */
export function randomPositions(size: number, count: number): number[] {
  const picks: number[] = [];
  if (size === 0) return picks;
  if (count < 0) {
    if (-count > MAX_RANDOM_PICKS) throw Errors.outOfRange();
    for (let i = 0; i < -count; i++) picks.push(Math.floor(Math.random() * size));
    return picks;
  }
  const swapped = new Map<number, number>();
  const wanted = Math.min(count, size);
  for (let i = 0; i < wanted; i++) {
    const j = i + Math.floor(Math.random() * (size - i));
    picks.push(swapped.get(j) ?? j);
    swapped.set(j, swapped.get(i) ?? i);
  }
  return picks;
}
