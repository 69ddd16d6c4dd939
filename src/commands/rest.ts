/**
 * Larder-internal commands behind the REST key routes (`routes/keys*.ts`). They go through the one
 * dispatcher like every other command, so REST reads and writes share its clock read, its stats
 * and its write observers (the append log sees `larder.put` as it sees `SET`). The `internal`
 * flag hides them from COMMAND, RESP and `/commands`.
 *
 * Replies are small positional arrays decoded by the routes; their shapes are documented at each
 * command and typed in `rest-replies.ts`.
 */
import { Errors } from '../errors.js';
import type { Entry, StoredValue } from '../store/entry.js';
import { checkValueSize, readEntry } from './access.js';
import { isOption } from './args.js';
import { family } from './define.js';
import { absoluteExpiryMs } from './expiry.js';
import type { Reply } from './reply.js';
import { buildAggregate, isAggregateType, restAggregate } from './rest-aggregates.js';
import { entryEtag } from './rest-etag.js';
import type { PutOutcome } from './rest-replies.js';
import { ONE_KEY, type CommandContext } from './types.js';
import { restDelForms, restPutForms, restReplaceForms } from './replay-forms.js';

/** Remaining time to live in ms, -1 when the key does not expire. */
function remainingMs(entry: Entry, nowMs: number): number {
  return entry.expiresAtMs === 0 ? -1 : entry.expiresAtMs - nowMs;
}

/** The REST form of a stored value: a string's bytes, or an aggregate's reply (see rest-aggregates.ts). */
function restValue(entry: Entry): Reply {
  return typeof entry.value === 'string' ? entry.value : restAggregate(entry.value);
}

/** `larder.get key` → null, or `[type, value, meta | null, remainingMs | -1, etag]`. */
function getCommand(argv: string[], ctx: CommandContext): Reply {
  const entry = readEntry(ctx, argv[1]!);
  if (entry === undefined) return null;
  return [entry.type, restValue(entry), entry.meta ?? null, remainingMs(entry, ctx.nowMs), entryEtag(entry)];
}

interface PutOptions {
  condition: 'NX' | 'XX' | undefined;
  expiresAtMs: number;
  keepTtl: boolean;
  ifMatch: string[];
  ifNoneMatch: string[];
}

/** `argv[from, to)`: [NX|XX] [PX ms | PXAT unix-ms | KEEPTTL] [IFMATCH etag]… [IFNONEMATCH etag]… */
function parsePutOptions(argv: readonly string[], from: number, to: number, nowMs: number): PutOptions {
  const options: PutOptions = { condition: undefined, expiresAtMs: 0, keepTtl: false, ifMatch: [], ifNoneMatch: [] };
  for (let i = from; i < to; i++) {
    const option = argv[i]!.toUpperCase();
    const operand = i + 1 < to ? argv[i + 1] : undefined;
    if ((option === 'NX' || option === 'XX') && options.condition === undefined) options.condition = option;
    else if (option === 'KEEPTTL' && options.expiresAtMs === 0) options.keepTtl = true;
    else if ((option === 'PX' || option === 'PXAT') && operand !== undefined && !options.keepTtl && options.expiresAtMs === 0) {
      options.expiresAtMs = absoluteExpiryMs(operand, option, nowMs, argv[0]!.toLowerCase());
      i++;
    } else if (option === 'IFMATCH' && operand !== undefined) options.ifMatch.push(argv[++i]!);
    else if (option === 'IFNONEMATCH' && operand !== undefined) options.ifNoneMatch.push(argv[++i]!);
    else throw Errors.syntax();
  }
  return options;
}

/** Why a conditional write must not happen, or undefined when it may. */
function refusal(options: PutOptions, existing: Entry | undefined): PutOutcome | undefined {
  if (options.condition === 'NX' && existing !== undefined) return 'exists';
  if (options.condition === 'XX' && existing === undefined) return 'missing';
  if (options.ifMatch.length > 0) {
    if (existing === undefined) return 'missing';
    if (!etagListed(options.ifMatch, existing)) return 'mismatch';
  }
  if (options.ifNoneMatch.length > 0 && existing !== undefined && etagListed(options.ifNoneMatch, existing)) return 'matched';
  return undefined;
}

/** Whether the entry's ETag is one of `tags`. */
function etagListed(tags: readonly string[], entry: Entry): boolean {
  return tags.includes(entryEtag(entry));
}

/**
 * The write step shared by `larder.put` and `larder.replace`: checks the preconditions against
 * the current entry and, when they hold, replaces it (value, marker and TTL) in the same step.
 * → `[outcome, etag | null, remainingMs | -1]`: the new value's etag on success, the current
 * one (or null) when a precondition refused the write.
 */
function conditionalWrite(ctx: CommandContext, key: string, value: StoredValue, meta: string | undefined, options: PutOptions): Reply {
  const existing = ctx.db.lookup(key, ctx.nowMs);
  const refused = refusal(options, existing);
  if (refused !== undefined) {
    return [refused, existing === undefined ? null : entryEtag(existing), existing === undefined ? -1 : remainingMs(existing, ctx.nowMs)];
  }
  const keptMs = options.keepTtl && existing !== undefined ? existing.expiresAtMs : 0;
  const entry = ctx.db.set(key, value, options.expiresAtMs || keptMs, meta);
  return [existing === undefined ? 'created' : 'replaced', entryEtag(entry), remainingMs(entry, ctx.nowMs)];
}

/**
 * `larder.put key value meta [options]` — SET with the REST door's extras: `meta` ('' for a plain
 * Redis string) is kept on the entry, and ETag preconditions are checked in the same step as the
 * write. Replies as `conditionalWrite`.
 */
function putCommand(argv: string[], ctx: CommandContext): Reply {
  const [, key, value, metaArg] = argv as [string, string, string, string];
  const options = parsePutOptions(argv, 4, argv.length, ctx.nowMs);
  checkValueSize(ctx, value.length);
  return conditionalWrite(ctx, key, value, metaArg === '' ? undefined : metaArg, options);
}

/**
 * `larder.replace key hash|list|set|zset [options] ITEMS item [item ...]` — replaces the key with
 * a whole new aggregate built from the items (see `buildAggregate` for their layout), with
 * `larder.put`'s options and reply. The value is built before anything is written, so a bad item
 * leaves the key as it was. Empty aggregates cannot be written: Redis never stores one.
 */
function replaceCommand(argv: string[], ctx: CommandContext): Reply {
  const [, key, type] = argv as [string, string, string];
  const itemsAt = argv.findIndex((arg, i) => i > 2 && isOption(arg, 'ITEMS'));
  if (!isAggregateType(type) || itemsAt === -1 || itemsAt === argv.length - 1) throw Errors.syntax();
  const options = parsePutOptions(argv, 3, itemsAt, ctx.nowMs);
  const value = buildAggregate(ctx, type, argv.slice(itemsAt + 1));
  return conditionalWrite(ctx, key, value, undefined, options);
}

/** `larder.del key [IFMATCH etag]…` → `'deleted' | 'missing' | 'mismatch'`. */
function delCommand(argv: string[], ctx: CommandContext): Reply {
  const key = argv[1]!;
  const ifMatch: string[] = [];
  for (let i = 2; i < argv.length; i += 2) {
    if (!isOption(argv[i], 'IFMATCH') || argv[i + 1] === undefined) throw Errors.syntax();
    ifMatch.push(argv[i + 1]!);
  }
  const existing = ctx.db.lookup(key, ctx.nowMs);
  if (existing === undefined) return 'missing';
  if (ifMatch.length > 0 && !etagListed(ifMatch, existing)) return 'mismatch';
  ctx.db.delete(key);
  return 'deleted';
}

export const restCommands = family('larder', {
  'larder.get': {
    summary: 'REST read: type, value, content-type marker, remaining TTL and ETag of a key.',
    arity: 2, flags: ['readonly', 'fast', 'internal'], keys: ONE_KEY, since: '0.1.0', syntax: 'key',
    handler: getCommand,
  },
  'larder.put': {
    summary: 'REST write: SET with a content-type marker and ETag preconditions.',
    arity: -4, flags: ['write', 'denyoom', 'internal'], keys: ONE_KEY, since: '0.1.0',
    syntax: 'key value meta [NX | XX] [PX milliseconds | PXAT unix-time-milliseconds | KEEPTTL] [IFMATCH etag ...] [IFNONEMATCH etag ...]',
    handler: putCommand,
    propagate: restPutForms,
  },
  'larder.replace': {
    summary: 'REST write of a hash, list, set or sorted set: the whole value replaced at once, with larder.put\'s options.',
    arity: -5, flags: ['write', 'denyoom', 'internal'], keys: ONE_KEY, since: '0.1.0',
    syntax: 'key hash|list|set|zset [NX | XX] [PX milliseconds | PXAT unix-time-milliseconds | KEEPTTL] [IFMATCH etag ...] [IFNONEMATCH etag ...] ITEMS item [item ...]',
    handler: replaceCommand,
    propagate: restReplaceForms,
  },
  'larder.del': {
    summary: 'REST delete, optionally only when the current ETag matches.',
    arity: -2, flags: ['write', 'fast', 'internal'], keys: ONE_KEY, since: '0.1.0', syntax: 'key [IFMATCH etag ...]',
    handler: delCommand,
    propagate: restDelForms,
  },
});
