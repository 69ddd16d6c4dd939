import { Errors } from '../errors.js';
import { isOption, parseInt64 } from './args.js';
import { clientCommand, isValidClientName } from './client-command.js';
import { configCommand } from './config-command.js';
import { command, family } from './define.js';
import { REDIS_COMPAT_VERSION } from './info.js';
import { MapReply, OK, SimpleString, type Reply } from './reply.js';
import type { CommandContext, CommandSpec, ConnectedClient } from './types.js';

/**
 * Connection-level commands: AUTH, HELLO, QUIT, RESET, plus the FUNCTION and DEBUG answers a
 * server without functions or a debug interface gives. The connection itself (socket, protocol
 * version in use) belongs to the door; these handlers reach it through the client registry.
 */

/** The door's connection for this session; HTTP requests have none. */
function connectionOf(ctx: CommandContext, name: string): ConnectedClient {
  const client = ctx.server.clients.get(ctx.session.id);
  if (client === undefined) throw Errors.unsupportedInContext(name);
  return client;
}

/** Redis 7 AUTH: `AUTH password` is the default user; any other user name does not exist. */
function authenticate(ctx: CommandContext, username: string, password: string, passwordOnly: boolean): void {
  const verdict = connectionOf(ctx, 'auth').checkCredentials(username, password);
  // With no password configured the default user is `nopass`: any password logs in, but the
  // one-argument form is refused because it almost certainly means a misconfiguration.
  if (verdict === 'unconfigured' && passwordOnly) throw Errors.noPasswordSet();
  if (verdict === 'wrong') throw Errors.wrongPass();
  ctx.session.authenticated = true;
}

function authCommand(argv: string[], ctx: CommandContext): Reply {
  if (argv.length > 3) throw Errors.syntax();
  if (argv.length === 2) authenticate(ctx, 'default', argv[1]!, true);
  else authenticate(ctx, argv[1]!, argv[2]!, false);
  return OK;
}

interface HelloOptions {
  version: 2 | 3 | undefined;
  credentials: [string, string] | undefined;
  name: string | undefined;
}

function parseHello(argv: readonly string[]): HelloOptions {
  const options: HelloOptions = { version: undefined, credentials: undefined, name: undefined };
  if (argv.length < 2) return options;
  const version = parseInt64(argv[1]!);
  if (version === undefined) throw Errors.badProtocolVersion();
  if (version !== 2n && version !== 3n) throw Errors.unsupportedProtocol();
  options.version = version === 2n ? 2 : 3;
  for (let i = 2; i < argv.length; i++) {
    const left = argv.length - 1 - i;
    if (isOption(argv[i], 'AUTH') && left >= 2) {
      options.credentials = [argv[i + 1]!, argv[i + 2]!];
      i += 2;
    } else if (isOption(argv[i], 'SETNAME') && left >= 1) {
      if (!isValidClientName(argv[i + 1]!)) throw Errors.badClientName();
      options.name = argv[i + 1]!;
      i += 1;
    } else {
      throw Errors.helloSyntax(argv[i]!);
    }
  }
  return options;
}

/** HELLO [protover [AUTH user pass] [SETNAME name]]: the reply is rendered in the new protocol. */
function helloCommand(argv: string[], ctx: CommandContext): Reply {
  const options = parseHello(argv);
  if (options.credentials !== undefined) authenticate(ctx, ...options.credentials, false);
  if (!ctx.session.authenticated) throw Errors.helloNoAuth();
  if (options.name !== undefined) ctx.session.name = options.name;
  if (options.version !== undefined) ctx.session.protocol = options.version;
  return new MapReply([
    ['server', 'larder'],
    ['version', REDIS_COMPAT_VERSION],
    ['proto', ctx.session.protocol],
    ['id', ctx.session.id],
    ['mode', 'standalone'],
    ['role', 'master'],
    ['modules', []],
  ]);
}

/** RESET: back to a freshly connected client (database 0, RESP2, no name, no subscriptions, logged out if auth is on). */
function resetCommand(_argv: string[], ctx: CommandContext): Reply {
  const client = ctx.server.clients.get(ctx.session.id);
  // Redis drops the subscriptions silently: no unsubscribe confirmations precede RESET's reply.
  ctx.server.pubsub.unsubscribeAll(ctx.session.id);
  // A RESET client is a fresh one: no MULTI in progress, nothing WATCHed.
  ctx.server.transactions.forget(ctx.session);
  ctx.session.db = 0;
  ctx.session.protocol = 2;
  ctx.session.name = '';
  if (client !== undefined) {
    client.noEvict = false;
    ctx.session.authenticated = !client.authRequired;
  }
  return new SimpleString('RESET');
}

/**
 * Larder has no server-side functions, so its function library is always empty: FLUSH has
 * nothing to remove and succeeds (Redis's test harness sends it before every server block), and
 * LIST answers the empty list. Everything else is an unknown subcommand.
 */
const functionCommand: CommandSpec = command('server', 'function', {
  summary: 'A container for function commands.',
  arity: -2,
  since: '7.0.0',
  handler: () => OK,
  subcommands: {
    flush: command('server', 'function|flush', {
      summary: 'Deletes all libraries and functions (Larder has none).',
      arity: -2, flags: ['write', 'noscript'], since: '7.0.0', syntax: '[ASYNC | SYNC]',
      handler: (argv) => {
        if (argv.length > 3 || (argv.length === 3 && !isOption(argv[2], 'ASYNC') && !isOption(argv[2], 'SYNC'))) {
          throw Errors.syntax();
        }
        return OK;
      },
    }),
    list: command('server', 'function|list', {
      summary: 'Returns information about all libraries (always none).',
      arity: -2, flags: ['noscript'], since: '7.0.0', syntax: '[LIBRARYNAME pattern] [WITHCODE]',
      handler: () => [],
    }),
  },
});

const connectionFamily = family('connection', {
  auth: {
    summary: 'Authenticates the connection.',
    arity: -2, flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    syntax: '[username] password',
    handler: authCommand,
  },
  hello: {
    summary: 'Handshakes with the server: protocol version, authentication, connection name.',
    arity: -1, flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'], since: '6.0.0',
    syntax: '[protover [AUTH username password] [SETNAME clientname]]',
    handler: helloCommand,
  },
  quit: {
    summary: 'Closes the connection.',
    arity: -1, flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    handler: (_argv, ctx) => {
      ctx.server.clients.get(ctx.session.id)?.close();
      return OK;
    },
  },
  reset: {
    summary: 'Resets the connection.',
    arity: 1, flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'], since: '6.2.0',
    handler: resetCommand,
  },
});

/** DEBUG is a protected command that Larder never enables; it answers as Redis does when disabled. */
const debugCommand = command('server', 'debug', {
  summary: 'Debugging commands (disabled in Larder).',
  arity: -2, flags: ['admin', 'noscript', 'loading', 'stale'], syntax: 'subcommand [argument ...]',
  handler: () => {
    throw Errors.debugDisabled();
  },
});

export const connectionCommands: CommandSpec[] = [...connectionFamily, clientCommand, configCommand, functionCommand, debugCommand];
