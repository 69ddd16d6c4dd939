import { globMatch } from '../store/glob.js';
import { Errors } from '../errors.js';
import { isOption } from './args.js';
import { command } from './define.js';
import { MapReply, SetReply, SimpleString, type Reply } from './reply.js';
import type { CommandContext, CommandSpec, CommandTable } from './types.js';

function publicSpecs(table: CommandTable): CommandSpec[] {
  return [...table.all()].filter((spec) => !spec.flags.includes('internal'));
}

function lookupPublic(table: CommandTable, name: string): CommandSpec | undefined {
  const spec = table.get(name);
  return spec === undefined || spec.flags.includes('internal') ? undefined : spec;
}

/** One COMMAND INFO row, in Redis 7's ten-field layout. */
export function commandInfo(spec: CommandSpec): Reply {
  const subcommands = Object.values(spec.subcommands ?? {}).map(commandInfo);
  return [
    spec.name,
    spec.arity,
    new SetReply(spec.flags.map((flag) => new SimpleString(flag))),
    spec.keys.first,
    spec.keys.last,
    spec.keys.step,
    new SetReply([new SimpleString(`@${spec.group}`)]),
    [],
    [],
    subcommands,
  ];
}

/** One COMMAND DOCS entry: name → map of summary, since, group, syntax. */
function commandDocs(spec: CommandSpec): [Reply, Reply] {
  const fields: Array<[Reply, Reply]> = [
    ['summary', spec.summary],
    ['since', spec.since],
    ['group', spec.group],
    ['syntax', spec.syntax === '' ? spec.name.toUpperCase() : `${spec.name.toUpperCase()} ${spec.syntax}`],
  ];
  if (spec.subcommands !== undefined) {
    fields.push(['subcommands', new MapReply(Object.values(spec.subcommands).map(commandDocs))]);
  }
  return [spec.name, new MapReply(fields)];
}

function listCommand(argv: string[], ctx: CommandContext): Reply {
  let specs = publicSpecs(ctx.table);
  if (argv.length === 5 && isOption(argv[2], 'FILTERBY')) {
    const [filter, value] = [argv[3]!.toUpperCase(), argv[4]!];
    if (filter === 'PATTERN') specs = specs.filter((s) => globMatch(value, s.name, true));
    else if (filter === 'ACLCAT') specs = specs.filter((s) => s.group === value.toLowerCase());
    else if (filter === 'MODULE') specs = [];
    else throw Errors.syntax();
  } else if (argv.length !== 2) throw Errors.syntax();
  return specs.map((spec) => spec.name);
}

const subcommands: Record<string, CommandSpec> = {
  count: command('server', 'command|count', {
    summary: 'Returns a count of commands.', arity: 2, flags: ['loading', 'stale'], since: '2.8.13',
    handler: (_argv, ctx) => publicSpecs(ctx.table).length,
  }),
  info: command('server', 'command|info', {
    summary: 'Returns information about one, multiple or all commands.', arity: -2, flags: ['loading', 'stale'],
    since: '2.8.13', syntax: '[command-name [command-name ...]]',
    handler: (argv, ctx) =>
      argv.length === 2
        ? publicSpecs(ctx.table).map(commandInfo)
        : argv.slice(2).map((name) => {
            const spec = lookupPublic(ctx.table, name);
            return spec === undefined ? null : commandInfo(spec);
          }),
  }),
  docs: command('server', 'command|docs', {
    summary: 'Returns documentary information about one, multiple or all commands.', arity: -2,
    flags: ['loading', 'stale'], since: '7.0.0', syntax: '[command-name [command-name ...]]',
    handler: (argv, ctx) => {
      const specs = argv.length === 2 ? publicSpecs(ctx.table) : argv.slice(2).map((n) => lookupPublic(ctx.table, n));
      return new MapReply(specs.filter((s): s is CommandSpec => s !== undefined).map(commandDocs));
    },
  }),
  list: command('server', 'command|list', {
    summary: 'Returns a list of command names.', arity: -2, flags: ['loading', 'stale'], since: '7.0.0',
    syntax: '[FILTERBY MODULE module-name | ACLCAT category | PATTERN pattern]',
    handler: listCommand,
  }),
};

/** COMMAND with no subcommand lists every command's info; the table drives all of it. */
export const commandCommand = command('server', 'command', {
  summary: 'Returns detailed information about all commands.',
  arity: -1,
  flags: ['loading', 'stale'],
  since: '2.8.13',
  syntax: '[COUNT | INFO | DOCS | LIST]',
  subcommands,
  handler: (_argv, ctx) => publicSpecs(ctx.table).map(commandInfo),
});
