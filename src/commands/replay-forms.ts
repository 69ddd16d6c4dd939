/**
 * The forms the append-only log records for writes that would not replay identically as sent
 * (`CommandSpec.propagate`). Replay pins the clock to the recorded instant, which already makes
 * relative times, lazy expiry and "an expire time in the past deletes" decide as they did; these
 * rewrites go further and record the *outcome*, as Redis does, so a log stays correct even if a
 * command's parsing or defaults change between versions, and so random choices replay exactly.
 *
 * Each rewrite reads the store after the command ran (with `peek`: it must not expire anything
 * itself) and returns no form when the only change was a lazy expiry, which replay repeats anyway.
 *
 * Every `write` command in the table was checked for what would not replay identically:
 * - rewritten here: SET / SETEX / PSETEX (→ SET key value [PXAT ms]; NX, XX, GET, KEEPTTL dropped,
 *   their effect is known), GETEX (→ PEXPIREAT / PERSIST / DEL), EXPIRE / PEXPIRE / EXPIREAT /
 *   PEXPIREAT (→ PEXPIREAT, or DEL when the time had passed), SPOP (random → SREM of the popped
 *   members, DEL when it emptied the set), INCRBYFLOAT (→ SET key result KEEPTTL) and HINCRBYFLOAT
 *   (→ HSET key field result): float text recorded, not recomputed; `larder.put` / `larder.replace`
 *   (relative PX → PXAT; NX / XX / IFMATCH / IFNONEMATCH dropped) and `larder.del` (→ DEL).
 * - deterministic under a pinned clock, recorded as sent: SETNX, GETSET, GETDEL, MSET, MSETNX,
 *   APPEND, SETRANGE, SETBIT, INCR/DECR[BY], DEL, UNLINK, RENAME[NX], COPY, MOVE (TTLs are absolute
 *   and travel with the entry), PERSIST, FLUSHDB, FLUSHALL, SWAPDB, the hash, list and sorted-set
 *   writes (ZINCRBY / ZADD INCR compute the same IEEE double), the *STORE commands, and the
 *   blocking pops (served at once they act as their non-blocking forms on replay too; a waiter
 *   served later is dispatched as LPOP, LMOVE … and recorded as such). FUNCTION FLUSH changes
 *   nothing. The skip list's random levels change layout, never content.
 * - outside the log's reach: eviction, which depends on memory, propagates the DEL of each evicted
 *   key itself (`Dispatcher.propagate`); size limits (`maxValueBytes`) are configuration, so a log
 *   written under a larger limit stops a start-up with a smaller one, naming the record.
 */
import type { Entry } from '../store/entry.js';
import { isOption } from './args.js';
import { SetReply, type Reply } from './reply.js';
import type { CommandContext } from './types.js';

type Forms = ReadonlyArray<readonly string[]>;
const NONE: Forms = [];

const INT64_MAX_TEXT = '9223372036854775807';

/**
 * An absolute time as the decimal integer the expiry parsers accept. Times are held as doubles,
 * so the largest int64 a client may send rounds up to 2^63, one past int64's range: that one
 * value is written back as int64's maximum, which parses to the same double.
 */
export function formatUnixMs(ms: number): string {
  return ms >= 2 ** 63 ? INT64_MAX_TEXT : BigInt(ms).toString();
}

function expiryArgs(entry: Entry, option = 'PXAT'): string[] {
  return entry.expiresAtMs === 0 ? [] : [option, formatUnixMs(entry.expiresAtMs)];
}

/** SET / SETEX / PSETEX: the value stored, with its absolute expiry if it has one. */
export function setForms(valueIndex: number) {
  return (argv: readonly string[], _reply: Reply, ctx: CommandContext): Forms => {
    const key = argv[1]!;
    const entry = ctx.db.peek(key);
    // Refused by NX / XX (after a lazy expiry of the key): nothing was stored.
    if (entry === undefined || entry.value !== argv[valueIndex]) return NONE;
    return [['SET', key, argv[valueIndex]!, ...expiryArgs(entry)]];
  };
}

/** EXPIRE family, and GETEX's expiry options: the TTL set, or the deletion of a key whose time had passed. */
function expiryOutcome(key: string, changed: boolean, ctx: CommandContext): Forms {
  if (!changed) return NONE;
  const entry = ctx.db.peek(key);
  return entry === undefined ? [['DEL', key]] : [['PEXPIREAT', key, formatUnixMs(entry.expiresAtMs)]];
}

export function expireForms(argv: readonly string[], reply: Reply, ctx: CommandContext): Forms {
  return expiryOutcome(argv[1]!, reply === 1, ctx);
}

export function getexForms(argv: readonly string[], reply: Reply, ctx: CommandContext): Forms {
  const key = argv[1]!;
  if (isOption(argv[2], 'PERSIST')) return ctx.db.peek(key) === undefined ? NONE : [['PERSIST', key]];
  return expiryOutcome(key, reply !== null, ctx);
}

/** SPOP: the members it happened to pick. */
export function spopForms(argv: readonly string[], reply: Reply, ctx: CommandContext): Forms {
  const key = argv[1]!;
  const popped = reply instanceof SetReply ? (reply.items as string[]) : typeof reply === 'string' ? [reply] : [];
  if (popped.length === 0) return NONE;
  return ctx.db.peek(key) === undefined ? [['DEL', key]] : [['SREM', key, ...popped]];
}

export function incrbyfloatForms(argv: readonly string[], reply: Reply): Forms {
  return typeof reply === 'string' ? [['SET', argv[1]!, reply, 'KEEPTTL']] : NONE;
}

export function hincrbyfloatForms(argv: readonly string[], reply: Reply): Forms {
  return typeof reply === 'string' ? [['HSET', argv[1]!, argv[2]!, reply]] : NONE;
}

/** `larder.put` / `larder.replace` reply `[outcome, …]`; only these outcomes wrote. */
function restWrote(reply: Reply): boolean {
  return Array.isArray(reply) && (reply[0] === 'created' || reply[0] === 'replaced');
}

export function restPutForms(argv: readonly string[], reply: Reply, ctx: CommandContext): Forms {
  const entry = ctx.db.peek(argv[1]!);
  if (!restWrote(reply) || entry === undefined) return NONE;
  return [[argv[0]!, argv[1]!, argv[2]!, argv[3]!, ...expiryArgs(entry)]];
}

export function restReplaceForms(argv: readonly string[], reply: Reply, ctx: CommandContext): Forms {
  const entry = ctx.db.peek(argv[1]!);
  const itemsAt = argv.findIndex((arg, i) => i > 2 && isOption(arg, 'ITEMS'));
  if (!restWrote(reply) || entry === undefined || itemsAt === -1) return NONE;
  return [[argv[0]!, argv[1]!, argv[2]!, ...expiryArgs(entry), ...argv.slice(itemsAt)]];
}

export function restDelForms(argv: readonly string[], reply: Reply): Forms {
  return reply === 'deleted' ? [['DEL', argv[1]!]] : NONE;
}
