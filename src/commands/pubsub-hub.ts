import { globMatch } from '../store/glob.js';

/**
 * The publish/subscribe switchboard shared by every door: RESP connections and HTTP event streams
 * are both just `Subscriber`s here. It knows nothing about sockets or protocols; a subscriber
 * renders and writes its own messages (and may unsubscribe itself from inside `deliver`, e.g. a
 * slow consumer dropped for its buffer size).
 *
 * Channels and patterns are byte strings, like keys. Both indexes drop an entry as soon as its
 * last subscriber leaves, so a client cycling through millions of channel names leaves nothing
 * behind (Redis frees its per-channel lists for the same reason).
 */

/** One published message as one subscriber receives it; `pattern` is set for PSUBSCRIBE matches. */
export interface PubSubMessage {
  readonly channel: string;
  readonly message: string;
  readonly pattern?: string;
}

export interface Subscriber {
  /** Unique among live subscribers: the session id of a RESP client or of an HTTP stream. */
  readonly id: number;
  deliver(message: PubSubMessage): void;
}

interface Subscriptions {
  readonly subscriber: Subscriber;
  /** Insertion-ordered, so UNSUBSCRIBE without arguments confirms in subscription order. */
  readonly channels: Set<string>;
  readonly patterns: Set<string>;
}

export class PubSubHub {
  private readonly channelSubscribers = new Map<string, Set<Subscriber>>();
  private readonly patternSubscribers = new Map<string, Set<Subscriber>>();
  private readonly bySubscriber = new Map<number, Subscriptions>();

  /** True while anyone is subscribed: lets per-command checks skip a Map lookup in the common case. */
  get active(): boolean {
    return this.bySubscriber.size > 0;
  }

  /** Channels plus patterns one subscriber holds (the count Redis puts in every confirmation). */
  subscriptionCount(id: number): number {
    const subscriptions = this.bySubscriber.get(id);
    return subscriptions === undefined ? 0 : subscriptions.channels.size + subscriptions.patterns.size;
  }

  isSubscribed(id: number): boolean {
    return this.bySubscriber.has(id);
  }

  channelsOf(id: number): string[] {
    return [...(this.bySubscriber.get(id)?.channels ?? [])];
  }

  patternsOf(id: number): string[] {
    return [...(this.bySubscriber.get(id)?.patterns ?? [])];
  }

  /**
   * Adds a channel subscription (a no-op when already held); returns the subscriber's new count.
   * The first `Subscriber` registered under an id keeps receiving for that id.
   */
  subscribe(subscriber: Subscriber, channel: string): number {
    const subscriptions = this.subscriptionsOf(subscriber);
    if (!subscriptions.channels.has(channel)) {
      subscriptions.channels.add(channel);
      addMember(this.channelSubscribers, channel, subscriptions.subscriber);
    }
    return this.subscriptionCount(subscriber.id);
  }

  psubscribe(subscriber: Subscriber, pattern: string): number {
    const subscriptions = this.subscriptionsOf(subscriber);
    if (!subscriptions.patterns.has(pattern)) {
      subscriptions.patterns.add(pattern);
      addMember(this.patternSubscribers, pattern, subscriptions.subscriber);
    }
    return this.subscriptionCount(subscriber.id);
  }

  /** Drops one channel subscription if held; returns the subscriber's remaining count. */
  unsubscribe(id: number, channel: string): number {
    const subscriptions = this.bySubscriber.get(id);
    if (subscriptions?.channels.delete(channel) === true) {
      removeMember(this.channelSubscribers, channel, subscriptions.subscriber);
      this.forgetIfIdle(id, subscriptions);
    }
    return this.subscriptionCount(id);
  }

  punsubscribe(id: number, pattern: string): number {
    const subscriptions = this.bySubscriber.get(id);
    if (subscriptions?.patterns.delete(pattern) === true) {
      removeMember(this.patternSubscribers, pattern, subscriptions.subscriber);
      this.forgetIfIdle(id, subscriptions);
    }
    return this.subscriptionCount(id);
  }

  /** Silently drops every subscription of a subscriber (disconnect, RESET). */
  unsubscribeAll(id: number): void {
    for (const channel of this.channelsOf(id)) this.unsubscribe(id, channel);
    for (const pattern of this.patternsOf(id)) this.punsubscribe(id, pattern);
  }

  /**
   * Delivers to channel subscribers, then to every matching pattern's subscribers, and returns the
   * number of deliveries (a client holding both the channel and a matching pattern counts twice,
   * as in Redis). Pattern matching is linear in the number of distinct patterns, as Redis's is.
   */
  publish(channel: string, message: string): number {
    let receivers = 0;
    const direct = this.channelSubscribers.get(channel);
    if (direct !== undefined) {
      for (const subscriber of direct) {
        subscriber.deliver({ channel, message });
        receivers++;
      }
    }
    for (const [pattern, subscribers] of this.patternSubscribers) {
      if (!globMatch(pattern, channel)) continue;
      for (const subscriber of subscribers) {
        subscriber.deliver({ channel, message, pattern });
        receivers++;
      }
    }
    return receivers;
  }

  /** PUBSUB CHANNELS: channels with at least one subscriber, optionally filtered by a glob. */
  activeChannels(pattern?: string): string[] {
    const names = [...this.channelSubscribers.keys()];
    return pattern === undefined ? names : names.filter((name) => globMatch(pattern, name));
  }

  /** PUBSUB NUMSUB: subscribers of one channel (patterns not counted, as in Redis). */
  channelSubscriberCount(channel: string): number {
    return this.channelSubscribers.get(channel)?.size ?? 0;
  }

  /** PUBSUB NUMPAT: distinct patterns subscribed by anyone. */
  get patternCount(): number {
    return this.patternSubscribers.size;
  }

  private subscriptionsOf(subscriber: Subscriber): Subscriptions {
    let subscriptions = this.bySubscriber.get(subscriber.id);
    if (subscriptions === undefined) {
      subscriptions = { subscriber, channels: new Set(), patterns: new Set() };
      this.bySubscriber.set(subscriber.id, subscriptions);
    }
    return subscriptions;
  }

  private forgetIfIdle(id: number, subscriptions: Subscriptions): void {
    if (subscriptions.channels.size === 0 && subscriptions.patterns.size === 0) this.bySubscriber.delete(id);
  }
}

function addMember(index: Map<string, Set<Subscriber>>, name: string, subscriber: Subscriber): void {
  const members = index.get(name);
  if (members === undefined) index.set(name, new Set([subscriber]));
  else members.add(subscriber);
}

function removeMember(index: Map<string, Set<Subscriber>>, name: string, subscriber: Subscriber): void {
  const members = index.get(name);
  if (members === undefined) return;
  members.delete(subscriber);
  if (members.size === 0) index.delete(name);
}
