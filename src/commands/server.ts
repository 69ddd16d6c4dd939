import { Errors } from '../errors.js';
import { isOption } from './args.js';
import { family } from './define.js';
import { infoText } from './info.js';
import { commandCommand } from './introspection.js';
import { databaseArg } from './keys.js';
import { subscribedPing } from './pubsub.js';
import { OK, PONG, SimpleString, VerbatimString, type Reply } from './reply.js';
import type { CommandContext } from './types.js';

/** FLUSHDB / FLUSHALL take an optional ASYNC or SYNC; both free memory at once here. */
function checkFlushMode(argv: readonly string[]): void {
  if (argv.length === 2 && (isOption(argv[1], 'ASYNC') || isOption(argv[1], 'SYNC'))) return;
  if (argv.length > 1) throw Errors.syntax();
}

function bgsave(argv: readonly string[], ctx: CommandContext): Reply {
  if (argv.length > 2 || (argv.length === 2 && !isOption(argv[1], 'SCHEDULE'))) throw Errors.syntax();
  if (ctx.server.persistence.saveInBackground() === 'already-running') {
    if (argv.length === 2) return new SimpleString('Background saving scheduled');
    throw Errors.backgroundSaveInProgress();
  }
  return new SimpleString('Background saving started');
}

const serverFamily = family('server', {
  ping: {
    summary: 'Returns the server\'s liveliness response.',
    arity: -1, flags: ['fast'], syntax: '[message]',
    handler: (argv, ctx) => {
      if (argv.length > 2) throw Errors.wrongArity('ping');
      return subscribedPing(ctx, argv[1]) ?? (argv.length === 2 ? argv[1]! : PONG);
    },
  },
  echo: {
    summary: 'Returns the given string.',
    arity: 2, flags: ['fast'], syntax: 'message',
    handler: (argv) => argv[1]!,
  },
  time: {
    summary: 'Returns the server time.',
    arity: 1, flags: ['loading', 'stale', 'fast', 'random'], since: '2.6.0',
    handler: (_argv, ctx) => {
      const micros = Math.round((ctx.nowMs % 1000) * 1000);
      return [String(Math.floor(ctx.nowMs / 1000)), String(micros)];
    },
  },
  info: {
    summary: 'Returns information and statistics about the server.',
    arity: -1, flags: ['loading', 'stale', 'random'], syntax: '[section [section ...]]',
    handler: (argv, ctx) => new VerbatimString(infoText(argv, ctx)),
  },
  dbsize: {
    summary: 'Returns the number of keys in the database.',
    arity: 1, flags: ['readonly', 'fast'],
    handler: (_argv, ctx) => ctx.db.size,
  },
  flushdb: {
    summary: 'Removes all keys from the current database.',
    arity: -1, flags: ['write'], syntax: '[ASYNC | SYNC]',
    handler: (argv, ctx) => {
      checkFlushMode(argv);
      ctx.db.clear();
      ctx.store.dirty++;
      return OK;
    },
  },
  flushall: {
    summary: 'Removes all keys from all databases.',
    arity: -1, flags: ['write'], syntax: '[ASYNC | SYNC]',
    handler: (argv, ctx) => {
      checkFlushMode(argv);
      ctx.store.flushAll();
      return OK;
    },
  },
  select: {
    summary: 'Changes the selected database.',
    arity: 2, flags: ['loading', 'stale', 'fast'], syntax: 'index',
    handler: (argv, ctx) => {
      ctx.session.db = databaseArg(ctx, argv[1]!, Errors.invalidDbIndex).index;
      return OK;
    },
  },
  swapdb: {
    summary: 'Swaps two databases.',
    arity: 3, flags: ['write', 'fast'], since: '4.0.0', syntax: 'index1 index2',
    handler: (argv, ctx) => {
      const first = databaseArg(ctx, argv[1]!, Errors.invalidFirstDbIndex);
      const second = databaseArg(ctx, argv[2]!, Errors.invalidSecondDbIndex);
      ctx.store.swap(first.index, second.index);
      return OK;
    },
  },
  save: {
    summary: 'Synchronously saves the database(s) to disk.',
    arity: 1, flags: ['admin', 'noscript', 'no_multi'],
    handler: (_argv, ctx) => {
      ctx.server.persistence.saveNow();
      return OK;
    },
  },
  bgsave: {
    summary: 'Asynchronously saves the database(s) to disk.',
    arity: -1, flags: ['admin', 'noscript'], syntax: '[SCHEDULE]',
    handler: bgsave,
  },
  bgrewriteaof: {
    summary: 'Asynchronously rewrites the append-only file to disk.',
    arity: 1, flags: ['admin', 'noscript'],
    handler: (_argv, ctx) => {
      const outcome = ctx.server.persistence.rewriteLog?.() ?? 'disabled';
      if (outcome === 'disabled') throw Errors.aofDisabled();
      if (outcome === 'already-running') throw Errors.aofRewriteInProgress();
      return new SimpleString('Background append only file rewriting started');
    },
  },
  lastsave: {
    summary: 'Returns the Unix timestamp of the last successful save to disk.',
    arity: 1, flags: ['loading', 'stale', 'fast', 'random'],
    handler: (_argv, ctx) => ctx.server.persistence.lastSaveUnixSeconds(),
  },
});

export const serverCommands = [...serverFamily, commandCommand];
