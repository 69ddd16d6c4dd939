import { Errors } from '../errors.js';
import { helpSubcommand } from './client-command.js';
import { command } from './define.js';
import { MapReply, OK } from './reply.js';
import type { CommandSpec } from './types.js';

/**
 * CONFIG GET / SET / RESETSTAT over the parameter registry. Only parameters Larder really has
 * are listed; any other name answers exactly as Redis 7.0 answers an unknown one (GET: nothing,
 * SET: "Unknown option").
 */
const subcommands: Record<string, CommandSpec> = {
  get: command('server', 'config|get', {
    summary: 'Returns the effective values of configuration parameters.',
    arity: -3, flags: ['admin', 'noscript', 'loading', 'stale'], since: '2.0.0', syntax: 'parameter [parameter ...]',
    handler: (argv, ctx) => new MapReply(ctx.server.config.get(argv.slice(2))),
  }),
  set: command('server', 'config|set', {
    summary: 'Sets configuration parameters in-flight.',
    arity: -4, flags: ['admin', 'noscript', 'loading', 'stale'], since: '2.0.0', syntax: 'parameter value [parameter value ...]',
    handler: (argv, ctx) => {
      if (argv.length % 2 !== 0) throw Errors.syntax();
      const pairs: Array<[string, string]> = [];
      for (let i = 2; i < argv.length; i += 2) pairs.push([argv[i]!, argv[i + 1]!]);
      ctx.server.config.set(pairs);
      return OK;
    },
  }),
  resetstat: command('server', 'config|resetstat', {
    summary: 'Resets the server\'s statistics.',
    arity: 2, flags: ['admin', 'noscript', 'loading', 'stale'], since: '2.0.0',
    handler: (_argv, ctx) => {
      ctx.server.resetStats();
      return OK;
    },
  }),
};

subcommands['help'] = helpSubcommand('server', 'config', { ...subcommands });

export const configCommand: CommandSpec = command('server', 'config', {
  summary: 'A container for server configuration commands.',
  arity: -2,
  since: '2.0.0',
  syntax: 'subcommand [argument ...]',
  subcommands,
  handler: () => OK,
});
