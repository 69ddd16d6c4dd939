import { Errors } from '../errors.js';
import { integerArg, isOption } from './args.js';
import { command } from './define.js';
import { NullArray, OK, SimpleString, VerbatimString, type Reply } from './reply.js';
import type { CommandContext, CommandSpec, ConnectedClient } from './types.js';

/** CLIENT ID / INFO / LIST / SETNAME / GETNAME / KILL / NO-EVICT over the client registry. */

const CLIENT_TYPES = new Set(['normal', 'master', 'replica', 'slave', 'pubsub']);

/** Redis accepts names made of printable ASCII without spaces ('!' to '~'); '' clears the name. */
export function isValidClientName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code < 33 || code > 126) return false;
  }
  return true;
}

/** One CLIENT LIST line, with Redis 7.0's field names and order (fields Larder lacks are constant). */
export function describeClient(client: ConnectedClient, nowMs: number): string {
  const { session } = client;
  const ageSeconds = Math.floor((nowMs - client.connectedAtMs) / 1000);
  const idleSeconds = Math.floor((nowMs - client.lastCommandAtMs) / 1000);
  const outputBytes = client.outputBufferBytes();
  const queryBytes = client.queryBufferBytes();
  return (
    `id=${session.id} addr=${client.addr} laddr=${client.laddr} name=${session.name} ` +
    `age=${ageSeconds} idle=${idleSeconds} flags=${clientFlags(client)} db=${session.db} ` +
    `sub=0 psub=0 ssub=0 multi=${session.transaction?.queue.length ?? -1} qbuf=${queryBytes} qbuf-free=0 argv-mem=0 multi-mem=0 ` +
    `rbs=0 rbp=0 obl=0 oll=0 omem=${outputBytes} tot-mem=${queryBytes + outputBytes} events=r ` +
    `cmd=${client.lastCommand} user=default redir=-1 resp=${session.protocol}`
  );
}

/** Redis's flag letters in its order: x (in MULTI), b (blocked), e (no-evict); N for none. */
function clientFlags(client: ConnectedClient): string {
  const flags = `${client.session.transaction === undefined ? '' : 'x'}${client.blocked ? 'b' : ''}${client.noEvict ? 'e' : ''}`;
  return flags === '' ? 'N' : flags;
}

function listClients(clients: Iterable<ConnectedClient>): string {
  const nowMs = Date.now();
  let text = '';
  for (const client of clients) text += `${describeClient(client, nowMs)}\n`;
  return text;
}

/** CLIENT LIST [TYPE type] [ID id [id ...]] */
function listCommand(argv: string[], ctx: CommandContext): Reply {
  const all = [...ctx.server.clients.all()];
  if (argv.length === 2) return new VerbatimString(listClients(all));
  if (argv.length === 4 && isOption(argv[2], 'TYPE')) {
    const type = argv[3]!.toLowerCase();
    if (!CLIENT_TYPES.has(type)) throw Errors.unknownClientType(argv[3]!);
    return new VerbatimString(listClients(type === 'normal' ? all : []));
  }
  if (argv.length >= 4 && isOption(argv[2], 'ID')) {
    const ids = new Set(argv.slice(3).map((text) => {
      const id = integerArg(text, Errors.badClientId);
      if (id < 1) throw Errors.badClientId();
      return id;
    }));
    return new VerbatimString(listClients(all.filter((client) => ids.has(client.session.id))));
  }
  throw Errors.syntax();
}

type KillFilter = (client: ConnectedClient) => boolean;

/** The new-style CLIENT KILL options: each narrows the set of clients killed. */
function killFilters(argv: readonly string[], ctx: CommandContext): { filters: KillFilter[]; skipMe: boolean } {
  const filters: KillFilter[] = [];
  let skipMe = true;
  for (let i = 2; i < argv.length; i += 2) {
    const option = argv[i]!.toUpperCase();
    const value = argv[i + 1];
    if (value === undefined) throw Errors.syntax();
    if (option === 'ID') {
      const id = integerArg(value, Errors.badClientId);
      if (id < 1) throw Errors.badClientId();
      filters.push((client) => client.session.id === id);
    } else if (option === 'TYPE') {
      if (!CLIENT_TYPES.has(value.toLowerCase())) throw Errors.unknownClientType(value);
      const normal = value.toLowerCase() === 'normal';
      filters.push(() => normal);
    } else if (option === 'ADDR') filters.push((client) => client.addr === value);
    else if (option === 'LADDR') filters.push((client) => client.laddr === value);
    else if (option === 'USER') {
      if (value !== 'default') throw Errors.noSuchUser(value);
    } else if (option === 'SKIPME') {
      if (isOption(value, 'YES')) skipMe = true;
      else if (isOption(value, 'NO')) skipMe = false;
      else throw Errors.syntax();
    } else throw Errors.syntax();
  }
  if (skipMe) filters.push((client) => client.session.id !== ctx.session.id);
  return { filters, skipMe };
}

/** CLIENT KILL addr:port (old form, may kill itself) or CLIENT KILL <filter value> ... */
function killCommand(argv: string[], ctx: CommandContext): Reply {
  const oldForm = argv.length === 3;
  const filters: KillFilter[] = oldForm ? [(client) => client.addr === argv[2]] : killFilters(argv, ctx).filters;
  let killed = 0;
  for (const client of [...ctx.server.clients.all()]) {
    if (!filters.every((accept) => accept(client))) continue;
    client.close();
    killed++;
  }
  if (!oldForm) return killed;
  if (killed === 0) throw Errors.noSuchClient();
  return OK;
}

/** CLIENT UNBLOCK id [TIMEOUT|ERROR]: 1 when the client was blocked and is now answered. */
function unblockCommand(argv: string[], ctx: CommandContext): Reply {
  const id = integerArg(argv[2]!);
  if (argv.length > 4) throw Errors.syntax();
  const asError = argv.length === 4 && isOption(argv[3], 'ERROR');
  if (argv.length === 4 && !asError && !isOption(argv[3], 'TIMEOUT')) throw Errors.unblockReason();
  return ctx.server.blocking.unblock(id, asError ? Errors.unblocked() : NullArray.instance) ? 1 : 0;
}

function thisClient(ctx: CommandContext): ConnectedClient | undefined {
  return ctx.server.clients.get(ctx.session.id);
}

const sub = (name: string, arity: number, syntax: string, summary: string, handler: CommandSpec['handler']): CommandSpec =>
  command('connection', `client|${name}`, { summary, arity, syntax, since: '2.4.0', flags: ['noscript', 'loading', 'stale'], handler });

const subcommands: Record<string, CommandSpec> = {
  id: sub('id', 2, '', 'Returns the unique client ID of the connection.', (_argv, ctx) => ctx.session.id),
  info: sub('info', 2, '', 'Returns information about the connection.', (_argv, ctx) => {
    const client = thisClient(ctx);
    return new VerbatimString(client === undefined ? '' : `${describeClient(client, Date.now())}\n`);
  }),
  list: sub('list', -2, '[TYPE type] [ID client-id [client-id ...]]', 'Lists open connections.', listCommand),
  setname: sub('setname', 3, 'connection-name', 'Sets the connection name.', (argv, ctx) => {
    if (!isValidClientName(argv[2]!)) throw Errors.badClientName();
    ctx.session.name = argv[2]!;
    return OK;
  }),
  getname: sub('getname', 2, '', 'Returns the name of the connection.', (_argv, ctx) =>
    ctx.session.name === '' ? null : ctx.session.name,
  ),
  kill: sub('kill', -3, 'ip:port | [ID client-id] [TYPE type] [ADDR ip:port] [LADDR ip:port] [USER username] [SKIPME yes|no]',
    'Terminates open connections.', killCommand),
  reply: sub('reply', 3, 'ON | OFF | SKIP', "Instructs the server whether to reply to commands.", (argv, ctx) => {
    const mode = argv[2]!.toLowerCase();
    if (mode !== 'on' && mode !== 'off' && mode !== 'skip') throw Errors.syntax();
    const client = thisClient(ctx);
    if (client === undefined) throw Errors.unsupportedInContext('client|reply');
    client.setReplyMode(mode);
    return OK;
  }),
  'no-evict': sub('no-evict', 3, 'ON | OFF', 'Sets the client eviction mode of the connection.', (argv, ctx) => {
    const on = isOption(argv[2], 'ON');
    if (!on && !isOption(argv[2], 'OFF')) throw Errors.syntax();
    const client = thisClient(ctx);
    if (client !== undefined) client.noEvict = on;
    return OK;
  }),
};

/**
 * `<CONTAINER> HELP`, generated from the subcommand specs (Redis's own help texts are prose kept by
 * hand; ours cannot drift from the table).
 */
export function helpSubcommand(group: CommandSpec['group'], parent: string, subs: Record<string, CommandSpec>): CommandSpec {
  return command(group, `${parent}|help`, {
    summary: 'Returns helpful text about the different subcommands.',
    arity: 2, flags: ['loading', 'stale'], since: '5.0.0',
    handler: () => {
      const upper = parent.toUpperCase();
      const lines = [`${upper} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`];
      for (const [name, spec] of Object.entries(subs)) {
        lines.push(`${name.toUpperCase()}${spec.syntax === '' ? '' : ` ${spec.syntax}`}`, `    ${spec.summary}`);
      }
      lines.push('HELP', '    Prints this help.');
      // Redis sends help lines as status replies.
      return lines.map((line) => new SimpleString(line));
    },
  });
}

subcommands['unblock'] = sub('unblock', -3, 'client-id [TIMEOUT | ERROR]',
  'Unblocks a client blocked by a blocking command from a different connection.', unblockCommand);
subcommands['help'] = helpSubcommand('connection', 'client', { ...subcommands });

export const clientCommand: CommandSpec = command('connection', 'client', {
  summary: 'A container for client connection commands.',
  arity: -2,
  since: '2.4.0',
  syntax: 'subcommand [argument ...]',
  subcommands,
  handler: () => OK,
});
