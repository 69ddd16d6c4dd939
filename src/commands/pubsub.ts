import { CommandError, Errors } from '../errors.js';
import { helpSubcommand } from './client-command.js';
import { command, family } from './define.js';
import type { Dispatcher } from './dispatcher.js';
import type { PubSubHub, PubSubMessage, Subscriber } from './pubsub-hub.js';
import { PushReply, type Reply } from './reply.js';
import type { ClientSession, CommandContext, CommandSpec, ConnectedClient } from './types.js';

/**
 * SUBSCRIBE, PSUBSCRIBE, UNSUBSCRIBE, PUNSUBSCRIBE, PUBLISH and PUBSUB over the hub.
 *
 * A (un)subscribe command answers with one confirmation per channel, each a top-level frame
 * (RESP2 array, RESP3 push). A handler returns one `Reply`, so it returns the first confirmation
 * and sends the others through the connection's `send`, which writes them right after the reply
 * of the command in progress: the client reads them in order, exactly as Redis writes them.
 */

const PUBSUB_FLAGS = ['pubsub', 'noscript', 'loading', 'stale'] as const;

/** Commands a RESP2 client may still run while it holds subscriptions (Redis's list). */
const ALLOWED_WHILE_SUBSCRIBED = new Set(['subscribe', 'psubscribe', 'ssubscribe', 'unsubscribe', 'punsubscribe', 'sunsubscribe', 'ping', 'quit', 'reset']);

/** The RESP connection behind the session: pub/sub needs a connection that stays open. */
function connectionOf(ctx: CommandContext, name: string): ConnectedClient {
  const client = ctx.server.clients.get(ctx.session.id);
  if (client === undefined) throw Errors.unsupportedInContext(name);
  return client;
}

/** A RESP client as a subscriber: each message becomes a push in the client's protocol. */
function respSubscriber(client: ConnectedClient): Subscriber {
  return {
    id: client.session.id,
    deliver: (message: PubSubMessage) => client.send(messagePush(message)),
  };
}

export function messagePush(message: PubSubMessage): PushReply {
  return message.pattern === undefined
    ? new PushReply(['message', message.channel, message.message])
    : new PushReply(['pmessage', message.pattern, message.channel, message.message]);
}

/** Returns the first confirmation as the command's reply and queues the rest behind it. */
function confirm(client: ConnectedClient, confirmations: readonly PushReply[]): Reply {
  for (let i = 1; i < confirmations.length; i++) client.send(confirmations[i]!);
  return confirmations[0]!;
}

function subscribeCommand(argv: string[], ctx: CommandContext): Reply {
  const client = connectionOf(ctx, 'subscribe');
  const subscriber = respSubscriber(client);
  const hub = ctx.server.pubsub;
  return confirm(client, argv.slice(1).map((channel) => new PushReply(['subscribe', channel, hub.subscribe(subscriber, channel)])));
}

function psubscribeCommand(argv: string[], ctx: CommandContext): Reply {
  const client = connectionOf(ctx, 'psubscribe');
  const subscriber = respSubscriber(client);
  const hub = ctx.server.pubsub;
  return confirm(client, argv.slice(1).map((pattern) => new PushReply(['psubscribe', pattern, hub.psubscribe(subscriber, pattern)])));
}

/**
 * UNSUBSCRIBE / PUNSUBSCRIBE: the named channels, or every one held when none is named; with
 * nothing to drop, Redis still answers once, with a null channel.
 */
function unsubscribeFrom(kind: 'unsubscribe' | 'punsubscribe', argv: readonly string[], ctx: CommandContext): Reply {
  const client = connectionOf(ctx, kind);
  const hub = ctx.server.pubsub;
  const id = ctx.session.id;
  const held = kind === 'unsubscribe' ? hub.channelsOf(id) : hub.patternsOf(id);
  const names = argv.length > 1 ? argv.slice(1) : held;
  if (names.length === 0) return new PushReply([kind, null, hub.subscriptionCount(id)]);
  const drop = (name: string): number => (kind === 'unsubscribe' ? hub.unsubscribe(id, name) : hub.punsubscribe(id, name));
  return confirm(client, names.map((name) => new PushReply([kind, name, drop(name)])));
}

/**
 * Why a RESP2 client in subscribed mode may not run `argv`, or undefined when it may. Unknown
 * commands and wrong arities keep their usual errors, as in Redis, where lookup comes first.
 * Costs one property read per command while nobody anywhere is subscribed.
 */
export function subscribedModeRefusal(dispatcher: Dispatcher, argv: readonly string[], session: ClientSession): CommandError | undefined {
  const hub = dispatcher.server.pubsub;
  if (!hub.active || session.protocol !== 2 || !hub.isSubscribed(session.id)) return undefined;
  const spec = dispatcher.resolve(argv, session);
  if (spec instanceof CommandError) return undefined;
  const name = spec.name.split('|')[0]!;
  return ALLOWED_WHILE_SUBSCRIBED.has(name) ? undefined : Errors.subscribedContext(spec.name);
}

/** PING while subscribed over RESP2 answers `pong` and the message as an array (Redis's form). */
export function subscribedPing(ctx: CommandContext, message: string | undefined): Reply | undefined {
  const hub = ctx.server.pubsub;
  if (!hub.active || ctx.session.protocol !== 2 || !hub.isSubscribed(ctx.session.id)) return undefined;
  return ['pong', message ?? ''];
}

function numsub(argv: readonly string[], hub: PubSubHub): Reply {
  const reply: Reply[] = [];
  for (const channel of argv.slice(2)) reply.push(channel, hub.channelSubscriberCount(channel));
  return reply;
}

const pubsubSubcommands: Record<string, CommandSpec> = {
  channels: command('pubsub', 'pubsub|channels', {
    summary: 'Returns the active channels.',
    arity: -2, flags: ['pubsub', 'loading', 'stale'], since: '2.8.0', syntax: '[pattern]',
    handler: (argv, ctx) => {
      if (argv.length > 3) throw Errors.wrongArity('pubsub|channels');
      return ctx.server.pubsub.activeChannels(argv[2]);
    },
  }),
  numsub: command('pubsub', 'pubsub|numsub', {
    summary: 'Returns a count of subscribers to channels.',
    arity: -2, flags: ['pubsub', 'loading', 'stale'], since: '2.8.0', syntax: '[channel [channel ...]]',
    handler: (argv, ctx) => numsub(argv, ctx.server.pubsub),
  }),
  numpat: command('pubsub', 'pubsub|numpat', {
    summary: 'Returns a count of unique pattern subscriptions.',
    arity: 2, flags: ['pubsub', 'loading', 'stale'], since: '2.8.0',
    handler: (_argv, ctx) => ctx.server.pubsub.patternCount,
  }),
};
pubsubSubcommands['help'] = helpSubcommand('pubsub', 'pubsub', { ...pubsubSubcommands });

const pubsubCommand = command('pubsub', 'pubsub', {
  summary: 'A container for Pub/Sub commands.',
  arity: -2, since: '2.8.0', syntax: 'subcommand [argument ...]',
  subcommands: pubsubSubcommands,
  handler: () => null,
});

const pubsubFamily = family('pubsub', {
  subscribe: {
    summary: 'Listens for messages published to channels.',
    arity: -2, flags: PUBSUB_FLAGS, since: '2.0.0', syntax: 'channel [channel ...]',
    handler: subscribeCommand,
  },
  psubscribe: {
    summary: 'Listens for messages published to channels that match one or more patterns.',
    arity: -2, flags: PUBSUB_FLAGS, since: '2.0.0', syntax: 'pattern [pattern ...]',
    handler: psubscribeCommand,
  },
  unsubscribe: {
    summary: 'Stops listening to messages posted to channels.',
    arity: -1, flags: PUBSUB_FLAGS, since: '2.0.0', syntax: '[channel [channel ...]]',
    handler: (argv, ctx) => unsubscribeFrom('unsubscribe', argv, ctx),
  },
  punsubscribe: {
    summary: 'Stops listening to messages published to channels that match one or more patterns.',
    arity: -1, flags: PUBSUB_FLAGS, since: '2.0.0', syntax: '[pattern [pattern ...]]',
    handler: (argv, ctx) => unsubscribeFrom('punsubscribe', argv, ctx),
  },
  publish: {
    summary: 'Posts a message to a channel; returns the number of clients that received it.',
    arity: 3, flags: ['pubsub', 'loading', 'stale', 'fast'], since: '2.0.0', syntax: 'channel message',
    handler: (argv, ctx) => ctx.server.pubsub.publish(argv[1]!, argv[2]!),
  },
});

export const pubsubCommands: CommandSpec[] = [...pubsubFamily, pubsubCommand];
