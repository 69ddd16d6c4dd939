/**
 * MEMORY USAGE: the heap bytes one key costs, from the same accounting `used_memory` and
 * `maxmemory` use (store/memory.ts): the Entry, the key and value strings, an aggregate's members
 * and structure as its value class counts them, a TTL, and the key's share of the keyspace's
 * tables. Aggregates keep their size as members come and go, so the figure is exact for every
 * size: SAMPLES is accepted and checked for Redis compatibility but nothing needs sampling.
 */
import { Errors } from '../errors.js';
import { keyUsageBytes } from '../store/memory.js';
import { integerArg, isOption } from './args.js';
import { command } from './define.js';
import { untouchedEntry } from './object-command.js';
import { OK } from './reply.js';
import type { CommandSpec } from './types.js';

const usage = command('server', 'memory|usage', {
  summary: 'Estimates the memory usage of a key.',
  arity: -3, flags: ['readonly'], keys: { first: 2, last: 2, step: 1 }, since: '4.0.0', syntax: 'key [SAMPLES count]',
  handler: (argv, ctx) => {
    for (let i = 3; i < argv.length; i += 2) {
      if (!isOption(argv[i], 'SAMPLES') || argv[i + 1] === undefined) throw Errors.syntax();
      if (integerArg(argv[i + 1]!) < 0) throw Errors.syntax();
    }
    // Measuring a key is not an access: its LRU / LFU stamp stays as it was (as in Redis).
    const entry = untouchedEntry(ctx, argv[2]!);
    return entry === undefined ? null : keyUsageBytes(argv[2]!, entry);
  },
});

export const memoryCommand: CommandSpec = command('server', 'memory', {
  summary: 'A container for memory diagnostics commands.',
  arity: -2, since: '4.0.0', syntax: 'subcommand [argument ...]',
  subcommands: { usage },
  handler: () => OK,
});
