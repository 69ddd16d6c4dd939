import { describe, expect, it } from 'vitest';
import { formatNotifyFlags, parseNotifyFlags } from '../../src/commands/notifications.js';
import type { PubSubMessage } from '../../src/commands/pubsub-hub.js';
import { errorText, testEngine, type TestEngine } from '../support/engine.js';

/**
 * Keyspace notifications through the engine: CONFIG SET notify-keyspace-events, real commands,
 * and a hub subscriber on `*` that records what a `PSUBSCRIBE *` client would read.
 */
function listening(flags: string): TestEngine & { events: string[] } {
  const engine = testEngine();
  const events: string[] = [];
  engine.server.pubsub.psubscribe({ id: -1, deliver: (m: PubSubMessage) => events.push(`${m.channel} ${m.message}`) }, '*');
  expect(engine.run('CONFIG', 'SET', 'notify-keyspace-events', flags)).toEqual(expect.objectContaining({ value: 'OK' }));
  return Object.assign(engine, { events });
}

describe('notify-keyspace-events flags', () => {
  it('round-trips through CONFIG GET in Redis\'s canonical order', () => {
    const engine = testEngine();
    const get = (): unknown => engine.run('CONFIG', 'GET', 'notify-keyspace-events');
    expect(get()).toEqual(expect.objectContaining({ entries: [['notify-keyspace-events', '']] }));
    for (const [set, shown] of [['gKE', 'gKE'], ['$lshzxeKE', '$lshzxeKE'], ['KA', 'AK'], ['EA', 'AE'], ['Egm', 'gEm'], ['', '']]) {
      engine.run('CONFIG', 'SET', 'notify-keyspace-events', set!);
      expect(get()).toEqual(expect.objectContaining({ entries: [['notify-keyspace-events', shown]] }));
    }
  });

  it('refuses an unknown class letter with Redis\'s text', () => {
    const engine = testEngine();
    expect(errorText(engine.run('CONFIG', 'SET', 'notify-keyspace-events', 'KQ'))).toBe(
      "ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'.",
    );
  });

  it('A covers every class but new-key and key-miss', () => {
    expect(formatNotifyFlags(parseNotifyFlags('g$lshzxetd'))).toBe('A');
    expect(formatNotifyFlags(parseNotifyFlags('A')) ).toBe('A');
    expect(parseNotifyFlags('A') & parseNotifyFlags('n')).toBe(0);
  });
});

describe('keyspace and keyevent messages', () => {
  it('publishes the keyspace message before the keyevent message for each event', () => {
    const engine = listening('KEA');
    engine.run('SET', 'foo', 'bar');
    expect(engine.events).toEqual(['__keyspace@0__:foo set', '__keyevent@0__:set foo']);
  });

  it('masks classes that are off (KEl: a SET says nothing, an LPUSH does)', () => {
    const engine = listening('KEl');
    engine.run('SET', 'foo', 'bar');
    engine.run('LPUSH', 'mylist', 'a');
    expect(engine.events).toEqual(['__keyspace@0__:mylist lpush', '__keyevent@0__:lpush mylist']);
  });

  it('general events: expire and del; a key in another database names that database', () => {
    const engine = listening('Kg');
    engine.run('SET', 'foo', 'bar');
    engine.run('EXPIRE', 'foo', '100');
    engine.run('DEL', 'foo', 'never-existed');
    engine.run('SET', 'a', '1');
    engine.run('RENAME', 'a', 'b');
    engine.run('MOVE', 'b', '3');
    engine.run('PERSIST', 'nothing');
    expect(engine.events).toEqual([
      '__keyspace@0__:foo expire', '__keyspace@0__:foo del',
      '__keyspace@0__:a rename_from', '__keyspace@0__:b rename_to',
      '__keyspace@0__:b move_from', '__keyspace@3__:b move_to',
    ]);
  });

  it('SET with a TTL reports set then expire; integer steps are all incrby', () => {
    const engine = listening('KA');
    engine.run('SET', 'k', 'v', 'EX', '10');
    engine.run('SET', 'n', '5');
    engine.run('DECR', 'n');
    engine.run('APPEND', 'k', 'x');
    expect(engine.events).toEqual(['__keyspace@0__:k set', '__keyspace@0__:k expire', '__keyspace@0__:n set', '__keyspace@0__:n incrby', '__keyspace@0__:k append']);
  });

  it('list events, and del when a pop empties the list', () => {
    const engine = listening('KA');
    engine.run('LPUSH', 'mylist', 'a');
    engine.run('RPUSH', 'mylist', 'b');
    engine.run('RPOP', 'mylist');
    engine.run('LMOVE', 'mylist', 'other', 'LEFT', 'RIGHT');
    expect(engine.events).toEqual([
      '__keyspace@0__:mylist lpush', '__keyspace@0__:mylist rpush', '__keyspace@0__:mylist rpop',
      '__keyspace@0__:mylist lpop', '__keyspace@0__:mylist del', '__keyspace@0__:other rpush',
    ]);
  });

  it('set, sorted-set and hash events fire only when something changed', () => {
    const engine = listening('Kszh');
    engine.run('SADD', 'myset', 'a', 'b');
    engine.run('SREM', 'myset', 'x');
    engine.run('SREM', 'myset', 'a');
    engine.run('ZADD', 'myzset', '1', 'a');
    engine.run('ZADD', 'myzset', 'INCR', '2', 'a');
    engine.run('ZREM', 'myzset', 'a');
    engine.run('HMSET', 'myhash', 'yes', '1', 'no', '0');
    engine.run('HINCRBY', 'myhash', 'yes', '10');
    expect(engine.events).toEqual([
      '__keyspace@0__:myset sadd', '__keyspace@0__:myset srem',
      '__keyspace@0__:myzset zadd', '__keyspace@0__:myzset zincr', '__keyspace@0__:myzset zrem',
      '__keyspace@0__:myhash hset', '__keyspace@0__:myhash hincrby',
    ]);
  });

  it('a STORE command with an empty result reports del for the destination it removed', () => {
    const engine = listening('KA');
    engine.run('SADD', 'dest', 'old');
    engine.events.length = 0;
    engine.run('SINTERSTORE', 'dest', 'missing1', 'missing2');
    expect(engine.events).toEqual(['__keyspace@0__:dest del']);
  });

  it('expired events come from lazy expiry and from the active sweep', () => {
    const engine = listening('Ex');
    engine.run('PSETEX', 'lazy', '100', '1');
    engine.run('PSETEX', 'swept', '100', '1');
    engine.clock.advance(101);
    expect(engine.run('GET', 'lazy')).toBeNull();
    engine.store.activeExpireCycle({ samplesPerRound: 20, acceptableStaleRatio: 0.25, budgetMs: 25 });
    expect(engine.events).toEqual(['__keyevent@0__:expired lazy', '__keyevent@0__:expired swept']);
  });

  it('new-key events fire for added keys only, before the command\'s own event', () => {
    const engine = listening('KEn$');
    engine.run('SET', 'foo', 'bar');
    engine.run('SET', 'foo', 'baz');
    engine.run('FLUSHDB');
    engine.run('SET', 'bar', 'bar');
    expect(engine.events.filter((e) => e.startsWith('__keyevent'))).toEqual([
      '__keyevent@0__:new foo', '__keyevent@0__:set foo', '__keyevent@0__:set foo', '__keyevent@0__:new bar', '__keyevent@0__:set bar',
    ]);
  });

  it('REST writes report the event of the Redis command that builds the same type', () => {
    const engine = listening('EA');
    engine.server.pubsub.unsubscribeAll(-1);
    const events: string[] = [];
    engine.server.pubsub.psubscribe({ id: -2, deliver: (m) => events.push(`${m.channel} ${m.message}`) }, '__keyevent@0__:*');
    const internal = engine.newSession('internal', true);
    engine.dispatcher.dispatch(['larder.put', 'doc', 'text', ''], internal);
    engine.dispatcher.dispatch(['larder.del', 'doc'], internal);
    expect(events).toEqual(['__keyevent@0__:set doc', '__keyevent@0__:del doc']);
  });

  it('the evicted hook reports evicted, not the command that caused the eviction', () => {
    const engine = listening('KEA');
    engine.run('SET', 'victim', 'v');
    engine.events.length = 0;
    engine.store.db(0).delete('victim');
    engine.notifications.keyEvicted(0, 'victim');
    engine.run('SET', 'incoming', 'x');
    expect(engine.events).toEqual([
      '__keyspace@0__:victim evicted', '__keyevent@0__:evicted victim',
      '__keyspace@0__:incoming set', '__keyevent@0__:set incoming',
    ]);
  });

  it('turning notifications off stops listening to the store', () => {
    const engine = listening('KA');
    engine.run('CONFIG', 'SET', 'notify-keyspace-events', '');
    engine.run('SET', 'quiet', '1');
    expect(engine.events).toEqual([]);
  });
});
