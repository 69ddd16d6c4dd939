/**
 * OBJECT, limited to what is true of Larder's values.
 *
 * - REFCOUNT is always 1: a value is never shared between keys (COPY deep-copies, there are no
 *   shared small integers), so 1 is the real count, not a placeholder.
 * - FREQ answers Redis's own refusal for servers without an LFU eviction policy: Larder keeps no
 *   access-frequency counter.
 * - ENCODING and IDLETIME are deliberately absent (unknown subcommand): Larder has one
 *   representation per type and records no access time, and inventing either would mislead
 *   tools that tune or evict by them.
 */
import { Errors } from '../errors.js';
import { readEntry } from './access.js';
import { helpSubcommand } from './client-command.js';
import { command } from './define.js';
import type { CommandSpec } from './types.js';

const keyed = { first: 2, last: 2, step: 1 };

const subcommands: Record<string, CommandSpec> = {
  refcount: command('generic', 'object|refcount', {
    summary: 'Returns the reference count of a value of a key (always 1: Larder never shares values).',
    arity: 3, flags: ['readonly'], keys: keyed, since: '2.2.3', syntax: 'key',
    handler: (argv, ctx) => (readEntry(ctx, argv[2]!) === undefined ? null : 1),
  }),
  freq: command('generic', 'object|freq', {
    summary: 'Returns the logarithmic access frequency counter of a Redis object (refused: no LFU policy exists).',
    arity: 3, flags: ['readonly'], keys: keyed, since: '4.0.0', syntax: 'key',
    handler: (argv, ctx) => {
      if (readEntry(ctx, argv[2]!) === undefined) return null;
      throw Errors.lfuNotSelected();
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
