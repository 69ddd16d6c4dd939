import { describe, expect, it } from 'vitest';
import { PubSubHub, type PubSubMessage, type Subscriber } from '../../src/commands/pubsub-hub.js';

/** A subscriber that keeps what it receives, rendered the way RESP would show it. */
function inbox(id: number): Subscriber & { received: string[] } {
  const received: string[] = [];
  return {
    id,
    received,
    deliver: (m: PubSubMessage) => received.push(m.pattern === undefined ? `${m.channel}:${m.message}` : `${m.pattern}|${m.channel}:${m.message}`),
  };
}

describe('PubSubHub', () => {
  it('delivers to channel subscribers and counts one receiver each', () => {
    const hub = new PubSubHub();
    const a = inbox(1);
    const b = inbox(2);
    hub.subscribe(a, 'news');
    hub.subscribe(b, 'news');
    expect(hub.publish('news', 'hi')).toBe(2);
    expect(hub.publish('other', 'nobody')).toBe(0);
    expect([a.received, b.received]).toEqual([['news:hi'], ['news:hi']]);
  });

  it('subscribing twice to one channel keeps one subscription', () => {
    const hub = new PubSubHub();
    const a = inbox(1);
    expect(hub.subscribe(a, 'x')).toBe(1);
    expect(hub.subscribe(a, 'x')).toBe(1);
    expect(hub.publish('x', 'once')).toBe(1);
    expect(a.received).toEqual(['x:once']);
  });

  it('counts channels and patterns together in the running subscription count', () => {
    const hub = new PubSubHub();
    const a = inbox(1);
    expect(hub.subscribe(a, 'c1')).toBe(1);
    expect(hub.psubscribe(a, 'c*')).toBe(2);
    expect(hub.unsubscribe(a.id, 'c1')).toBe(1);
    expect(hub.unsubscribe(a.id, 'never-held')).toBe(1);
    expect(hub.punsubscribe(a.id, 'c*')).toBe(0);
    expect(hub.isSubscribed(a.id)).toBe(false);
    expect(hub.active).toBe(false);
  });

  it('matches patterns with Redis globs and delivers a channel match and a pattern match separately', () => {
    const hub = new PubSubHub();
    const a = inbox(1);
    hub.subscribe(a, 'foo.bar');
    hub.psubscribe(a, 'foo.*');
    hub.psubscribe(a, 'f[aeiou]o.b?r');
    hub.psubscribe(a, 'bar\\*');
    expect(hub.publish('foo.bar', 'm')).toBe(3);
    expect(hub.publish('bar*', 'literal')).toBe(1);
    expect(hub.publish('barx', 'no')).toBe(0);
    expect(a.received).toEqual(['foo.bar:m', 'foo.*|foo.bar:m', 'f[aeiou]o.b?r|foo.bar:m', 'bar\\*|bar*:literal']);
  });

  it('forgets a channel or pattern once its last subscriber leaves (nothing accumulates)', () => {
    const hub = new PubSubHub();
    for (let id = 1; id <= 1000; id++) {
      const s = inbox(id);
      hub.subscribe(s, `channel-${id}`);
      hub.psubscribe(s, `pattern-${id}-*`);
      hub.unsubscribeAll(id);
    }
    expect(hub.activeChannels()).toEqual([]);
    expect(hub.patternCount).toBe(0);
    expect(hub.active).toBe(false);
  });

  it('PUBSUB introspection: active channels by glob, NUMSUB per channel, NUMPAT distinct patterns', () => {
    const hub = new PubSubHub();
    const a = inbox(1);
    const b = inbox(2);
    hub.subscribe(a, 'news.tech');
    hub.subscribe(b, 'news.tech');
    hub.subscribe(a, 'sport');
    hub.psubscribe(a, 'foo*');
    hub.psubscribe(b, 'foo*');
    hub.psubscribe(b, 'bar*');
    expect(hub.activeChannels('news.*')).toEqual(['news.tech']);
    expect(hub.activeChannels().sort()).toEqual(['news.tech', 'sport']);
    expect(hub.channelSubscriberCount('news.tech')).toBe(2);
    expect(hub.channelSubscriberCount('foo')).toBe(0);
    expect(hub.patternCount).toBe(2);
  });

  it('a subscriber may unsubscribe itself while a message is being delivered to it', () => {
    const hub = new PubSubHub();
    const quitter: Subscriber = { id: 1, deliver: () => hub.unsubscribeAll(1) };
    const stayer = inbox(2);
    hub.subscribe(quitter, 'c');
    hub.psubscribe(quitter, 'c*');
    hub.subscribe(stayer, 'c');
    expect(hub.publish('c', 'first')).toBe(2);
    expect(hub.publish('c', 'second')).toBe(1);
    expect(stayer.received).toEqual(['c:first', 'c:second']);
  });

  it('keeps delivering to the first subscriber object registered under an id', () => {
    const hub = new PubSubHub();
    const first = inbox(7);
    const second = inbox(7);
    hub.subscribe(first, 'a');
    hub.subscribe(second, 'b');
    hub.publish('b', 'm');
    expect(first.received).toEqual(['b:m']);
    expect(hub.unsubscribe(7, 'b')).toBe(1);
    expect(hub.publish('b', 'gone')).toBe(0);
  });
});
