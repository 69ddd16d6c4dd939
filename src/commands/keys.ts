import { Errors } from '../errors.js';
import { cloneValue } from '../store/entry.js';
import type { Keyspace } from '../store/keyspace.js';
import { globMatch } from '../store/glob.js';
import { integerArg, isOption } from './args.js';
import { family } from './define.js';
import { OK, SimpleString, type Reply } from './reply.js';
import { ALL_KEYS, ONE_KEY, type CommandContext } from './types.js';

const TWO_KEYS = { first: 1, last: 2, step: 1 };

function deleteKeys(argv: string[], ctx: CommandContext): number {
  let deleted = 0;
  for (let i = 1; i < argv.length; i++) {
    if (ctx.db.lookup(argv[i]!, ctx.nowMs) !== undefined && ctx.db.delete(argv[i]!)) deleted++;
  }
  return deleted;
}

function countExisting(argv: string[], ctx: CommandContext): number {
  let found = 0;
  for (let i = 1; i < argv.length; i++) if (ctx.db.lookup(argv[i]!, ctx.nowMs) !== undefined) found++;
  return found;
}

function renameCommand(argv: string[], ctx: CommandContext, onlyIfAbsent: boolean): Reply {
  const [, source, destination] = argv as [string, string, string];
  const entry = ctx.db.lookup(source, ctx.nowMs);
  if (entry === undefined) throw Errors.noSuchKey();
  if (source === destination) return onlyIfAbsent ? 0 : OK;
  if (onlyIfAbsent && ctx.db.lookup(destination, ctx.nowMs) !== undefined) return 0;
  ctx.db.delete(source);
  ctx.db.adopt(destination, entry);
  return onlyIfAbsent ? 1 : OK;
}

/** Redis parses DB indexes as C ints: out-of-int text is "not an integer", a bad index "out of range". */
export function databaseArg(ctx: CommandContext, text: string, error = Errors.notInteger): Keyspace {
  const index = integerArg(text, error);
  if (index < 0 || index >= ctx.store.databaseCount || index > 2147483647) throw Errors.dbIndexOutOfRange();
  return ctx.store.db(index);
}

function copyCommand(argv: string[], ctx: CommandContext): Reply {
  const [, source, destination] = argv as [string, string, string];
  let target = ctx.db;
  let replace = false;
  for (let i = 3; i < argv.length; i++) {
    if (isOption(argv[i], 'REPLACE')) replace = true;
    else if (isOption(argv[i], 'DB') && i + 1 < argv.length) target = databaseArg(ctx, argv[++i]!);
    else throw Errors.syntax();
  }
  if (target === ctx.db && source === destination) throw Errors.sameObject();
  const entry = ctx.db.lookup(source, ctx.nowMs);
  if (entry === undefined) return 0;
  if (target.lookup(destination, ctx.nowMs) !== undefined && !replace) return 0;
  target.set(destination, cloneValue(entry.value), entry.expiresAtMs, entry.meta);
  return 1;
}

function moveCommand(argv: string[], ctx: CommandContext): Reply {
  const key = argv[1]!;
  const target = databaseArg(ctx, argv[2]!);
  if (target === ctx.db) throw Errors.sameObject();
  const entry = ctx.db.lookup(key, ctx.nowMs);
  if (entry === undefined || target.lookup(key, ctx.nowMs) !== undefined) return 0;
  ctx.db.delete(key);
  target.adopt(key, entry);
  return 1;
}

interface ScanOptions {
  pattern: string | undefined;
  count: number;
  type: string | undefined;
}

/** SCAN / HSCAN-style trailing options: MATCH pattern, COUNT n (≥ 1), and for SCAN, TYPE t. */
export function parseScanOptions(argv: readonly string[], start: number, allowType: boolean): ScanOptions {
  const options: ScanOptions = { pattern: undefined, count: 10, type: undefined };
  for (let i = start; i < argv.length; i += 2) {
    const value = argv[i + 1];
    if (value === undefined) throw Errors.syntax();
    if (isOption(argv[i], 'MATCH')) options.pattern = value === '*' ? undefined : value;
    else if (isOption(argv[i], 'COUNT')) {
      options.count = integerArg(value);
      if (options.count < 1) throw Errors.syntax();
    } else if (allowType && isOption(argv[i], 'TYPE')) options.type = value.toLowerCase();
    else throw Errors.syntax();
  }
  return options;
}

/** Cursors are unsigned decimal integers, as in Redis; anything else is refused. */
export function parseCursor(text: string): number {
  if (!/^[0-9]+$/.test(text)) throw Errors.invalidCursor();
  const cursor = Number(text);
  return Number.isSafeInteger(cursor) ? cursor : Number.MAX_SAFE_INTEGER;
}

function scanCommand(argv: string[], ctx: CommandContext): Reply {
  const cursor = parseCursor(argv[1]!);
  const { pattern, count, type } = parseScanOptions(argv, 2, true);
  const page = ctx.db.scan(cursor, count, ctx.nowMs, (key, entry) =>
    (pattern === undefined || globMatch(pattern, key)) && (type === undefined || entry.type === type),
  );
  return [String(page.nextCursor), page.keys];
}

function keysCommand(argv: string[], ctx: CommandContext): Reply {
  const pattern = argv[1]!;
  const matches: string[] = [];
  for (const [key] of ctx.db.allEntries()) {
    if ((pattern === '*' || globMatch(pattern, key)) && ctx.db.lookup(key, ctx.nowMs) !== undefined) matches.push(key);
  }
  return matches;
}

export const keyCommands = family('generic', {
  del: {
    summary: 'Deletes one or more keys.',
    arity: -2, flags: ['write'], keys: ALL_KEYS, syntax: 'key [key ...]',
    handler: deleteKeys,
  },
  unlink: {
    summary: 'Asynchronously deletes one or more keys (here: immediately; values are freed by the GC).',
    arity: -2, flags: ['write', 'fast'], keys: ALL_KEYS, since: '4.0.0', syntax: 'key [key ...]',
    handler: deleteKeys,
  },
  exists: {
    summary: 'Determines whether one or more keys exist.',
    arity: -2, flags: ['readonly', 'fast'], keys: ALL_KEYS, syntax: 'key [key ...]',
    handler: countExisting,
  },
  touch: {
    summary: 'Returns the number of existing keys out of those specified after updating the time they were last accessed.',
    arity: -2, flags: ['readonly', 'fast'], keys: ALL_KEYS, since: '3.2.1', syntax: 'key [key ...]',
    handler: countExisting,
  },
  type: {
    summary: 'Determines the type of value stored at a key.',
    arity: 2, flags: ['readonly', 'fast'], keys: ONE_KEY, syntax: 'key',
    handler: (argv, ctx) => new SimpleString(ctx.db.lookup(argv[1]!, ctx.nowMs)?.type ?? 'none'),
  },
  rename: {
    summary: 'Renames a key and overwrites the destination.',
    arity: 3, flags: ['write'], keys: TWO_KEYS, syntax: 'key newkey',
    handler: (argv, ctx) => renameCommand(argv, ctx, false),
  },
  renamenx: {
    summary: 'Renames a key only when the target key name doesn\'t exist.',
    arity: 3, flags: ['write', 'fast'], keys: TWO_KEYS, syntax: 'key newkey',
    handler: (argv, ctx) => renameCommand(argv, ctx, true),
  },
  copy: {
    summary: 'Copies the value of a key to a new key.',
    arity: -3, flags: ['write', 'denyoom'], keys: TWO_KEYS, since: '6.2.0', syntax: 'source destination [DB destination-db] [REPLACE]',
    handler: copyCommand,
  },
  move: {
    summary: 'Moves a key to another database.',
    arity: 3, flags: ['write', 'fast'], keys: ONE_KEY, syntax: 'key db',
    handler: moveCommand,
  },
  keys: {
    summary: 'Returns all key names that match a pattern.',
    arity: 2, flags: ['readonly'], syntax: 'pattern',
    handler: keysCommand,
  },
  scan: {
    summary: 'Iterates over the key names in the database.',
    arity: -2, flags: ['readonly'], since: '2.8.0', syntax: 'cursor [MATCH pattern] [COUNT count] [TYPE type]',
    handler: scanCommand,
  },
  randomkey: {
    summary: 'Returns a random key name from the database.',
    arity: 1, flags: ['readonly'], syntax: '',
    handler: (_argv, ctx) => ctx.db.randomKey(ctx.nowMs) ?? null,
  },
});
