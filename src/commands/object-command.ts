/**
 * OBJECT, limited to what is true of Larder's values.
 *
 * - REFCOUNT is always 1: a value is never shared between keys (COPY deep-copies, there are no
 *   shared small integers), so 1 is the real count, not a placeholder.
 * - IDLETIME and FREQ read the key's access stamp (store/access-clock.ts) without touching it, as
 *   Redis does: IDLETIME under an LRU-keeping policy (any but the LFU ones), FREQ under an LFU
 *   policy; each answers Redis's own refusal under the other.
 * - ENCODING is deliberately absent (unknown subcommand): Larder has one representation per type,
 *   and inventing one would mislead tools that tune by it.
 */
import { Errors } from '../errors.js';
import type { Entry } from '../store/entry.js';
import { readEntry } from './access.js';
import { helpSubcommand } from './client-command.js';
import { command } from './define.js';
import type { CommandContext, CommandSpec } from './types.js';

const keyed = { first: 2, last: 2, step: 1 };

/** The live entry, read without updating its access stamp (Redis's LOOKUP_NOTOUCH); MEMORY USAGE shares it. */
export function untouchedEntry(ctx: CommandContext, key: string): Entry | undefined {
  const entry = ctx.db.peek(key);
  if (entry === undefined || (entry.expiresAtMs !== 0 && entry.expiresAtMs <= ctx.nowMs)) return undefined;
  return entry;
}

const subcommands: Record<string, CommandSpec> = {
  refcount: command('generic', 'object|refcount', {
    summary: 'Returns the reference count of a value of a key (always 1: Larder never shares values).',
    arity: 3, flags: ['readonly'], keys: keyed, since: '2.2.3', syntax: 'key',
    handler: (argv, ctx) => (readEntry(ctx, argv[2]!) === undefined ? null : 1),
  }),
  freq: command('generic', 'object|freq', {
    summary: 'Returns the logarithmic access frequency counter of a Redis object.',
    arity: 3, flags: ['readonly'], keys: keyed, since: '4.0.0', syntax: 'key',
    handler: (argv, ctx) => {
      const entry = untouchedEntry(ctx, argv[2]!);
      if (entry === undefined) return null;
      if (!ctx.store.access.lfu) throw Errors.lfuNotSelected();
      return ctx.store.access.frequency(entry.access, ctx.nowMs);
    },
  }),
  idletime: command('generic', 'object|idletime', {
    summary: 'Returns the time since the last access to a Redis object.',
    arity: 3, flags: ['readonly'], keys: keyed, since: '2.2.3', syntax: 'key',
    handler: (argv, ctx) => {
      const entry = untouchedEntry(ctx, argv[2]!);
      if (entry === undefined) return null;
      if (ctx.store.access.lfu) throw Errors.lfuSelected();
      return Math.floor(ctx.store.access.idleMs(entry.access, ctx.nowMs) / 1000);
    },
  }),
};
subcommands['help'] = helpSubcommand('generic', 'object', { ...subcommands });

export const objectCommand: CommandSpec = command('generic', 'object', {
  summary: 'A container for object introspection commands.',
  arity: -2, since: '2.2.3', syntax: 'subcommand [argument ...]',
  subcommands,
  handler: () => {
    // Reached only as `OBJECT` alone, which the arity check already refuses.
    throw Errors.wrongArity('object');
  },
});
