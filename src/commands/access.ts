import { Errors } from '../errors.js';
import type { Entry } from '../store/entry.js';
import type { CommandContext } from './types.js';

/** A read lookup that counts keyspace hits and misses for INFO stats. */
export function readEntry(ctx: CommandContext, key: string): Entry | undefined {
  const entry = ctx.db.lookup(key, ctx.nowMs);
  if (entry === undefined) ctx.store.stats.keyspaceMisses++;
  else ctx.store.stats.keyspaceHits++;
  return entry;
}

/** The string at `key`, undefined when missing; WRONGTYPE when the key holds another type. */
export function readString(ctx: CommandContext, key: string): string | undefined {
  const entry = readEntry(ctx, key);
  if (entry === undefined) return undefined;
  if (typeof entry.value !== 'string') throw Errors.wrongType();
  return entry.value;
}

/**
 * Like readString but for write paths: no hit/miss accounting, and the entry may be changed in
 * place (storeString), so a running snapshot capture copies it first.
 */
export function writableString(ctx: CommandContext, key: string): { entry: Entry | undefined; value: string | undefined } {
  const entry = ctx.db.lookupForWrite(key, ctx.nowMs);
  if (entry === undefined) return { entry, value: undefined };
  if (typeof entry.value !== 'string') throw Errors.wrongType();
  return { entry, value: entry.value };
}

export function checkValueSize(ctx: CommandContext, byteLength: number): void {
  if (byteLength > ctx.server.limits.maxValueBytes) throw Errors.stringTooLong();
}

export function checkKeySize(ctx: CommandContext, key: string): void {
  if (key.length > ctx.server.limits.maxKeyBytes) throw Errors.keyTooLarge(ctx.server.limits.maxKeyBytes);
}

/** Writes a string result: a new key, or an in-place change that drops the REST type marker. */
export function storeString(ctx: CommandContext, key: string, entry: Entry | undefined, value: string): void {
  if (entry === undefined) {
    ctx.db.set(key, value);
    return;
  }
  ctx.db.replaceString(key, entry, value);
}
