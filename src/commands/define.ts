import type { CommandFlag, CommandGroup, CommandSpec, Handler, KeySpec } from './types.js';
import { NO_KEYS } from './types.js';

interface Definition {
  summary: string;
  arity: number;
  flags?: readonly CommandFlag[];
  keys?: KeySpec;
  since?: string;
  syntax?: string;
  handler: Handler;
  propagate?: CommandSpec['propagate'];
  subcommands?: Record<string, CommandSpec>;
}

/** Builds a family's specs with the family's group filled in. */
export function family(group: CommandGroup, definitions: Record<string, Definition>): CommandSpec[] {
  return Object.entries(definitions).map(([name, d]) => command(group, name, d));
}

export function command(group: CommandGroup, name: string, d: Definition): CommandSpec {
  return {
    name: name.toLowerCase(),
    summary: d.summary,
    group,
    arity: d.arity,
    flags: d.flags ?? [],
    keys: d.keys ?? NO_KEYS,
    since: d.since ?? '1.0.0',
    syntax: d.syntax ?? '',
    handler: d.handler,
    ...(d.propagate === undefined ? {} : { propagate: d.propagate }),
    ...(d.subcommands === undefined ? {} : { subcommands: d.subcommands }),
  };
}
