import { describe, expect, it } from 'vitest';
import { DoubleReply, NullArray, type Reply } from '../../src/commands/reply.js';
import { formatDouble } from '../../src/commands/format.js';
import { errorText, testEngine, type TestEngine } from '../support/engine.js';

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';

/** Replies with DoubleReply scores rendered as RESP2 text, for compact assertions. */
function text(reply: Reply): unknown {
  if (reply instanceof DoubleReply) return formatDouble(reply.value);
  if (Array.isArray(reply)) return reply.map(text);
  return reply;
}

function zset(e: TestEngine, key: string, ...pairs: Array<string | number>): void {
  e.run('ZADD', key, ...pairs);
}

describe('sorted set commands', () => {
  it('ZADD basics, ZCARD, ZSCORE and ZMSCORE', () => {
    const e = testEngine();
    expect(e.run('ZADD', 'z', 10, 'x', 20, 'y', 30, 'z')).toBe(3);
    expect(e.run('ZADD', 'z', 1, 'x')).toBe(0);
    expect(e.run('ZCARD', 'z')).toBe(3);
    expect(text(e.run('ZSCORE', 'z', 'x'))).toBe('1');
    expect(e.run('ZSCORE', 'z', 'nope')).toBeNull();
    expect(text(e.run('ZMSCORE', 'z', 'x', 'nope', 'y'))).toEqual(['1', null, '20']);
    expect(e.run('TYPE', 'z')).toEqual({ value: 'zset' });
  });

  it('ZADD XX, NX, GT, LT and CH options', () => {
    const e = testEngine();
    expect(e.run('ZADD', 'z', 'XX', 10, 'x')).toBe(0);
    expect(e.run('EXISTS', 'z')).toBe(0);
    zset(e, 'z', 10, 'x');
    expect(e.run('ZADD', 'z', 'NX', 20, 'x', 5, 'y')).toBe(1);
    expect(text(e.run('ZSCORE', 'z', 'x'))).toBe('10');
    expect(e.run('ZADD', 'z', 'GT', 'CH', 5, 'x')).toBe(0);
    expect(e.run('ZADD', 'z', 'GT', 'CH', 15, 'x')).toBe(1);
    expect(e.run('ZADD', 'z', 'LT', 'CH', 20, 'x', 1, 'y', 3, 'new')).toBe(2);
    expect(text(e.run('ZRANGE', 'z', 0, -1, 'WITHSCORES'))).toEqual(['y', '1', 'new', '3', 'x', '15']);
    expect(e.run('ZADD', 'z', 'XX', 'CH', 7, 'x', 8, 'absent')).toBe(1);
  });

  it('ZADD option and argument errors', () => {
    const e = testEngine();
    expect(errorText(e.run('ZADD', 'z', 'NX', 'XX', 1, 'a'))).toBe('ERR XX and NX options at the same time are not compatible');
    expect(errorText(e.run('ZADD', 'z', 'GT', 'LT', 1, 'a'))).toBe('ERR GT, LT, and/or NX options at the same time are not compatible');
    expect(errorText(e.run('ZADD', 'z', 'NX', 'GT', 1, 'a'))).toBe('ERR GT, LT, and/or NX options at the same time are not compatible');
    expect(errorText(e.run('ZADD', 'z', 'INCR', 1, 'a', 2, 'b'))).toBe('ERR INCR option supports a single increment-element pair');
    expect(errorText(e.run('ZADD', 'z', 1, 'a', 2))).toBe('ERR syntax error');
    expect(errorText(e.run('ZADD', 'z', 'NX'))).toBe("ERR wrong number of arguments for 'zadd' command");
    expect(errorText(e.run('ZADD', 'z', 'nan', 'a'))).toBe('ERR value is not a valid float');
    expect(errorText(e.run('ZADD', 'z', 1, 'a', 'x', 'b'))).toBe('ERR value is not a valid float');
    expect(e.run('EXISTS', 'z')).toBe(0);
  });

  it('ZADD INCR and ZINCRBY, including the NaN guard', () => {
    const e = testEngine();
    expect(text(e.run('ZADD', 'z', 'INCR', 5, 'a'))).toBe('5');
    expect(text(e.run('ZINCRBY', 'z', '2.5', 'a'))).toBe('7.5');
    expect(e.run('ZADD', 'z', 'NX', 'INCR', 1, 'a')).toBeNull();
    expect(e.run('ZADD', 'z', 'GT', 'INCR', -1, 'a')).toBeNull();
    expect(text(e.run('ZINCRBY', 'z', '+inf', 'a'))).toBe('inf');
    expect(errorText(e.run('ZINCRBY', 'z', '-inf', 'a'))).toBe('ERR resulting score is not a number (NaN)');
    expect(errorText(e.run('ZINCRBY', 'z', 'nx', 'a'))).toBe('ERR value is not a valid float');
  });

  it('ZRANK/ZREVRANK basics', () => {
    const e = testEngine();
    zset(e, 'z', 10, 'x', 20, 'y', 30, 'z');
    expect(e.run('ZRANK', 'z', 'x')).toBe(0);
    expect(e.run('ZRANK', 'z', 'z')).toBe(2);
    expect(e.run('ZREVRANK', 'z', 'x')).toBe(2);
    expect(e.run('ZRANK', 'z', 'foo')).toBeNull();
    expect(e.run('ZRANK', 'nokey', 'x')).toBeNull();
  });

  it('ZRANGE basics with negative indexes, and ZREVRANGE', () => {
    const e = testEngine();
    zset(e, 'z', 1, 'a', 2, 'b', 3, 'c', 4, 'd');
    expect(e.run('ZRANGE', 'z', 0, -1)).toEqual(['a', 'b', 'c', 'd']);
    expect(e.run('ZRANGE', 'z', 0, -2)).toEqual(['a', 'b', 'c']);
    expect(e.run('ZRANGE', 'z', -3, -2)).toEqual(['b', 'c']);
    expect(e.run('ZRANGE', 'z', 5, -1)).toEqual([]);
    expect(e.run('ZRANGE', 'z', -10, 1)).toEqual(['a', 'b']);
    expect(e.run('ZREVRANGE', 'z', 0, 1)).toEqual(['d', 'c']);
    expect(e.run('ZRANGE', 'z', 0, 1, 'REV')).toEqual(['d', 'c']);
    expect(text(e.run('ZREVRANGE', 'z', 0, 0, 'WITHSCORES'))).toEqual(['d', '4']);
    expect(e.run('ZRANGE', 'nokey', 0, -1)).toEqual([]);
  });

  it('ZRANGEBYSCORE with inclusive and exclusive bounds, infinities and LIMIT', () => {
    const e = testEngine();
    zset(e, 'z', '-inf', 'a', 1, 'b', 2, 'c', 3, 'd', 4, 'e', 5, 'f', '+inf', 'g');
    expect(e.run('ZRANGEBYSCORE', 'z', '-inf', 2)).toEqual(['a', 'b', 'c']);
    expect(e.run('ZRANGEBYSCORE', 'z', '(1', '(4')).toEqual(['c', 'd']);
    expect(e.run('ZRANGEBYSCORE', 'z', 4, '+inf')).toEqual(['e', 'f', 'g']);
    expect(e.run('ZREVRANGEBYSCORE', 'z', 4, '(1')).toEqual(['e', 'd', 'c']);
    expect(e.run('ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', 2, 3)).toEqual(['c', 'd', 'e']);
    expect(e.run('ZREVRANGEBYSCORE', 'z', '+inf', '-inf', 'LIMIT', 1, 2)).toEqual(['f', 'e']);
    expect(e.run('ZRANGEBYSCORE', 'z', 0, 10, 'LIMIT', 2, -1)).toEqual(['d', 'e', 'f']);
    expect(e.run('ZRANGEBYSCORE', 'z', 0, 10, 'LIMIT', 100, 2)).toEqual([]);
    expect(e.run('ZRANGEBYSCORE', 'z', 0, 10, 'LIMIT', -1, 2)).toEqual([]);
    expect(text(e.run('ZRANGE', 'z', '(1', 3, 'BYSCORE', 'WITHSCORES'))).toEqual(['c', '2', 'd', '3']);
    expect(text(e.run('ZRANGEBYSCORE', 'z', '+inf', '+inf', 'WITHSCORES'))).toEqual(['g', 'inf']);
    expect(e.run('ZRANGEBYSCORE', 'z', 3, 1)).toEqual([]);
    expect(errorText(e.run('ZRANGEBYSCORE', 'z', 'str', 1))).toBe('ERR min or max is not a float');
    expect(errorText(e.run('ZRANGEBYSCORE', 'z', '(', 1))).toBe('ERR min or max is not a float');
  });

  it('ZRANGEBYLEX, ZREVRANGEBYLEX and ZLEXCOUNT', () => {
    const e = testEngine();
    zset(e, 'z', 0, 'alpha', 0, 'bar', 0, 'cool', 0, 'down', 0, 'elephant', 0, 'foo', 0, 'great', 0, 'hill', 0, 'omega');
    expect(e.run('ZRANGEBYLEX', 'z', '-', '[cool')).toEqual(['alpha', 'bar', 'cool']);
    expect(e.run('ZRANGEBYLEX', 'z', '[bar', '(down')).toEqual(['bar', 'cool']);
    expect(e.run('ZRANGEBYLEX', 'z', '(great', '+')).toEqual(['hill', 'omega']);
    expect(e.run('ZREVRANGEBYLEX', 'z', '[elez', '[bar')).toEqual(['elephant', 'down', 'cool', 'bar']);
    expect(e.run('ZRANGEBYLEX', 'z', '-', '+', 'LIMIT', 1, 2)).toEqual(['bar', 'cool']);
    expect(e.run('ZRANGEBYLEX', 'z', '+', '-')).toEqual([]);
    expect(e.run('ZLEXCOUNT', 'z', '[bar', '(foo')).toBe(4);
    expect(e.run('ZLEXCOUNT', 'z', '-', '+')).toBe(9);
    expect(errorText(e.run('ZRANGEBYLEX', 'z', 'bar', '+'))).toBe('ERR min or max not valid string range item');
    expect(errorText(e.run('ZRANGEBYLEX', 'z', '-', '+', 'WITHSCORES'))).toBe('ERR syntax error, WITHSCORES not supported in combination with BYLEX');
  });

  it('ZRANGE option conflicts answer Redis texts', () => {
    const e = testEngine();
    zset(e, 'z', 1, 'a');
    expect(errorText(e.run('ZRANGE', 'z', 0, -1, 'LIMIT', 0, 1))).toBe('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
    expect(errorText(e.run('ZRANGE', 'z', 0, -1, 'BYSCORE', 'BYLEX'))).toBe('ERR syntax error');
    expect(errorText(e.run('ZREVRANGE', 'z', 0, -1, 'REV'))).toBe('ERR syntax error');
    expect(errorText(e.run('ZRANGE', 'z', 'a', -1))).toBe('ERR value is not an integer or out of range');
  });

  it('ZRANGESTORE stores a range and deletes the destination on an empty one', () => {
    const e = testEngine();
    zset(e, 'src', 1, 'a', 2, 'b', 3, 'c');
    expect(e.run('ZRANGESTORE', 'dst', 'src', 0, 1)).toBe(2);
    expect(text(e.run('ZRANGE', 'dst', 0, -1, 'WITHSCORES'))).toEqual(['a', '1', 'b', '2']);
    expect(e.run('ZRANGESTORE', 'dst', 'src', 3, 1, 'BYSCORE', 'REV', 'LIMIT', 0, 1)).toBe(1);
    expect(e.run('ZRANGE', 'dst', 0, -1)).toEqual(['c']);
    expect(e.run('ZRANGESTORE', 'dst', 'src', 10, 20, 'BYSCORE')).toBe(0);
    expect(e.run('EXISTS', 'dst')).toBe(0);
    expect(errorText(e.run('ZRANGESTORE', 'dst', 'src', 0, -1, 'WITHSCORES'))).toBe('ERR syntax error');
  });

  it('ZCOUNT and ZREMRANGEBYSCORE/RANK/LEX delete and report', () => {
    const e = testEngine();
    zset(e, 'z', 1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e');
    expect(e.run('ZCOUNT', 'z', 2, 4)).toBe(3);
    expect(e.run('ZCOUNT', 'z', '(2', '(4')).toBe(1);
    expect(e.run('ZCOUNT', 'z', 10, 20)).toBe(0);
    expect(e.run('ZREMRANGEBYSCORE', 'z', '(1', 2)).toBe(1);
    expect(e.run('ZREMRANGEBYRANK', 'z', -2, -1)).toBe(2);
    expect(e.run('ZRANGE', 'z', 0, -1)).toEqual(['a', 'c']);
    zset(e, 'l', 0, 'a', 0, 'b', 0, 'c');
    expect(e.run('ZREMRANGEBYLEX', 'l', '[a', '(c')).toBe(2);
    expect(e.run('ZREMRANGEBYRANK', 'z', 0, -1)).toBe(2);
    expect(e.run('EXISTS', 'z')).toBe(0);
    expect(e.run('ZREMRANGEBYSCORE', 'nokey', 0, 1)).toBe(0);
  });

  it('ZPOPMIN/ZPOPMAX with and without count, RESP2 flat and RESP3 nested', () => {
    const e = testEngine();
    zset(e, 'z', 1, 'a', 2, 'b', 3, 'c');
    expect(text(e.run('ZPOPMIN', 'z'))).toEqual(['a', '1']);
    expect(text(e.run('ZPOPMAX', 'z', 5))).toEqual(['c', '3', 'b', '2']);
    expect(e.run('EXISTS', 'z')).toBe(0);
    expect(e.run('ZPOPMIN', 'z')).toEqual([]);
    zset(e, 'z', 1, 'a', 2, 'b');
    e.session.protocol = 3;
    expect(text(e.run('ZPOPMIN', 'z', 1))).toEqual([['a', '1']]);
    expect(text(e.run('ZPOPMIN', 'z'))).toEqual(['b', '2']);
    expect(errorText(e.run('ZPOPMIN', 'z', -1))).toBe('ERR value is out of range, must be positive');
  });

  it('ZMPOP pops from the first non-empty sorted set', () => {
    const e = testEngine();
    zset(e, 'b', 1, 'x', 2, 'y', 3, 'z');
    expect(text(e.run('ZMPOP', 2, 'a', 'b', 'MIN'))).toEqual(['b', [['x', '1']]]);
    expect(text(e.run('ZMPOP', 2, 'a', 'b', 'MAX', 'COUNT', 10))).toEqual(['b', [['z', '3'], ['y', '2']]]);
    expect(e.run('ZMPOP', 1, 'b', 'MIN')).toBe(NullArray.instance);
    expect(errorText(e.run('ZMPOP', 1, 'b', 'MIDDLE'))).toBe('ERR syntax error');
    expect(errorText(e.run('ZMPOP', 1, 'b', 'MIN', 'COUNT', 0))).toBe('ERR count should be greater than 0');
  });

  it('ZRANDMEMBER with <count> and WITHSCORES', () => {
    const e = testEngine();
    zset(e, 'z', 1, 'a', 2, 'b', 3, 'c');
    expect(['a', 'b', 'c']).toContain(e.run('ZRANDMEMBER', 'z'));
    expect((e.run('ZRANDMEMBER', 'z', 5) as string[]).sort()).toEqual(['a', 'b', 'c']);
    expect(e.run('ZRANDMEMBER', 'z', -7)).toHaveLength(7);
    const pairs = text(e.run('ZRANDMEMBER', 'z', 1, 'WITHSCORES')) as string[];
    expect(text(e.run('ZSCORE', 'z', pairs[0]!))).toBe(pairs[1]);
    expect(e.run('ZRANDMEMBER', 'nokey', 3)).toEqual([]);
    expect(errorText(e.run('ZRANDMEMBER', 'z', '-9223372036854770000', 'WITHSCORES'))).toBe('ERR value is out of range');
  });

  it('ZUNIONSTORE/ZINTERSTORE with weights, aggregates and plain sets as inputs', () => {
    const e = testEngine();
    zset(e, 'za', 1, 'a', 2, 'b', 3, 'c');
    zset(e, 'zb', 1, 'b', 2, 'c', 3, 'd');
    e.run('SADD', 'plain', 'c', 'd');
    expect(e.run('ZUNIONSTORE', 'out', 2, 'za', 'zb')).toBe(4);
    expect(text(e.run('ZRANGE', 'out', 0, -1, 'WITHSCORES'))).toEqual(['a', '1', 'b', '3', 'd', '3', 'c', '5']);
    expect(e.run('ZINTERSTORE', 'out', 2, 'za', 'zb', 'WEIGHTS', 2, 3)).toBe(2);
    expect(text(e.run('ZRANGE', 'out', 0, -1, 'WITHSCORES'))).toEqual(['b', '7', 'c', '12']);
    expect(text(e.run('ZINTER', 3, 'za', 'zb', 'plain', 'AGGREGATE', 'MAX', 'WITHSCORES'))).toEqual(['c', '3']);
    expect(text(e.run('ZUNION', 2, 'za', 'zb', 'AGGREGATE', 'MIN', 'WITHSCORES'))).toEqual(['a', '1', 'b', '1', 'c', '2', 'd', '3']);
    expect(e.run('ZINTERSTORE', 'out', 2, 'za', 'missing')).toBe(0);
    expect(e.run('EXISTS', 'out')).toBe(0);
  });

  it('ZUNIONSTORE with +inf/-inf scores and a zero weight does not produce NaN', () => {
    const e = testEngine();
    zset(e, 'za', '+inf', 'a');
    zset(e, 'zb', '-inf', 'a');
    e.run('ZUNIONSTORE', 'out', 2, 'za', 'zb');
    expect(text(e.run('ZSCORE', 'out', 'a'))).toBe('0');
    e.run('ZUNIONSTORE', 'out', 1, 'za', 'WEIGHTS', 0);
    expect(text(e.run('ZSCORE', 'out', 'a'))).toBe('0');
  });

  it('ZDIFF, ZDIFFSTORE and ZINTERCARD', () => {
    const e = testEngine();
    zset(e, 'za', 1, 'a', 2, 'b', 3, 'c');
    zset(e, 'zb', 1, 'b');
    expect(text(e.run('ZDIFF', 2, 'za', 'zb', 'WITHSCORES'))).toEqual(['a', '1', 'c', '3']);
    expect(e.run('ZDIFFSTORE', 'out', 2, 'za', 'zb')).toBe(2);
    expect(e.run('ZINTERCARD', 2, 'za', 'zb')).toBe(1);
    expect(e.run('ZINTERCARD', 1, 'za', 'LIMIT', 2)).toBe(2);
    expect(errorText(e.run('ZDIFF', 2, 'za', 'zb', 'WEIGHTS', 1, 1))).toBe('ERR syntax error');
    expect(errorText(e.run('ZUNIONSTORE', 'out', 0, 'za'))).toBe("ERR at least 1 input key is needed for 'zunionstore' command");
    expect(errorText(e.run('ZUNION', 3, 'za', 'zb'))).toBe('ERR syntax error');
    expect(errorText(e.run('ZUNION', 2, 'za', 'zb', 'WEIGHTS', 'x', 1))).toBe('ERR weight value is not a float');
    expect(errorText(e.run('ZUNION', 1, 'za', 'AGGREGATE', 'AVG'))).toBe('ERR syntax error');
    expect(errorText(e.run('ZINTERCARD', 1, 'za', 'LIMIT', -1))).toBe("ERR LIMIT can't be negative");
  });

  it('ZSCAN returns members with %.17g scores', () => {
    const e = testEngine();
    zset(e, 'z', 1.5, 'a', 0.1, 'b', 10, 'c');
    const [cursor, items] = e.run('ZSCAN', 'z', 0, 'COUNT', 100) as [string, string[]];
    expect(cursor).toBe('0');
    const scores = new Map<string, string>();
    for (let i = 0; i < items.length; i += 2) scores.set(items[i]!, items[i + 1]!);
    expect(Object.fromEntries(scores)).toEqual({ a: '1.5', b: '0.10000000000000001', c: '10' });
  });

  it('formats scores as %.17g', () => {
    expect(formatDouble(1.5)).toBe('1.5');
    expect(formatDouble(10)).toBe('10');
    expect(formatDouble(-Infinity)).toBe('-inf');
    expect(formatDouble(1e17)).toBe('1e+17');
    expect(formatDouble(123456789012345680)).toBe('1.2345678901234568e+17');
    expect(formatDouble(0.0001)).toBe('0.0001');
    expect(formatDouble(0.00001)).toBe('1.0000000000000001e-05');
  });

  it('answers WRONGTYPE for sorted-set commands against other types', () => {
    const e = testEngine();
    e.run('SET', 's', 'v');
    for (const argv of [['ZADD', 's', 1, 'a'], ['ZSCORE', 's', 'a'], ['ZRANGE', 's', 0, 1], ['ZCARD', 's'], ['ZPOPMIN', 's'], ['ZUNION', 1, 's'], ['ZRANK', 's', 'a'], ['ZINCRBY', 's', 1, 'a']]) {
      expect(errorText(e.run(...argv))).toBe(WRONGTYPE);
    }
  });
});
