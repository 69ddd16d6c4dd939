/**
 * One invocation of every write command, each aimed at keys of its own that exist when a capture
 * starts, for the capture consistency test. `k` and `k2` are seeded with `seed`'s value.
 */
import type { StoredValue } from '../../src/store/entry.js';
import { HashValue } from '../../src/store/types/hash-value.js';
import { ListValue } from '../../src/store/types/list-value.js';
import { SetValue } from '../../src/store/types/set-value.js';
import { SortedSetValue } from '../../src/store/types/sorted-set-value.js';

export type Seed = 'string' | 'number' | 'hash' | 'list' | 'set' | 'zset';

export interface WriteCase {
  command: string;
  seed: Seed;
  argv: (k: string, k2: string) => string[];
}

const FAR_FUTURE_S = '4000000000';
/** A list command `NAME k …rest`, with 'K2' in `rest` standing for the second key. */
const list = (name: string, ...rest: string[]): WriteCase => ({
  command: name.toLowerCase(),
  seed: 'list',
  argv: (k, k2) => [name, k, ...rest.map((r) => (r === 'K2' ? k2 : r))],
});

export const WRITE_CASES: readonly WriteCase[] = [
  { command: 'append', seed: 'string', argv: (k) => ['APPEND', k, '+more'] },
  { command: 'setrange', seed: 'string', argv: (k) => ['SETRANGE', k, '2', 'XY'] },
  { command: 'setbit', seed: 'string', argv: (k) => ['SETBIT', k, '3', '1'] },
  { command: 'incr', seed: 'number', argv: (k) => ['INCR', k] },
  { command: 'decr', seed: 'number', argv: (k) => ['DECR', k] },
  { command: 'incrby', seed: 'number', argv: (k) => ['INCRBY', k, '7'] },
  { command: 'decrby', seed: 'number', argv: (k) => ['DECRBY', k, '7'] },
  { command: 'incrbyfloat', seed: 'number', argv: (k) => ['INCRBYFLOAT', k, '1.5'] },
  { command: 'getset', seed: 'string', argv: (k) => ['GETSET', k, 'replaced'] },
  { command: 'getdel', seed: 'string', argv: (k) => ['GETDEL', k] },
  { command: 'getex', seed: 'string', argv: (k) => ['GETEX', k, 'EX', '100'] },
  { command: 'set', seed: 'string', argv: (k) => ['SET', k, 'replaced', 'KEEPTTL'] },
  { command: 'setex', seed: 'string', argv: (k) => ['SETEX', k, '100', 'replaced'] },
  { command: 'psetex', seed: 'string', argv: (k) => ['PSETEX', k, '100000', 'replaced'] },
  { command: 'setnx', seed: 'string', argv: (k) => ['SETNX', `${k}:new`, 'created'] },
  { command: 'mset', seed: 'string', argv: (k, k2) => ['MSET', k, 'a', k2, 'b', `${k}:new`, 'c'] },
  { command: 'msetnx', seed: 'string', argv: (k) => ['MSETNX', `${k}:new1`, 'a', `${k}:new2`, 'b'] },
  { command: 'del', seed: 'hash', argv: (k, k2) => ['DEL', k, k2] },
  { command: 'unlink', seed: 'zset', argv: (k) => ['UNLINK', k] },
  { command: 'expire', seed: 'list', argv: (k) => ['EXPIRE', k, '100'] },
  { command: 'expireat', seed: 'set', argv: (k) => ['EXPIREAT', k, FAR_FUTURE_S] },
  { command: 'pexpire', seed: 'string', argv: (k) => ['PEXPIRE', k, '100000'] },
  { command: 'pexpireat', seed: 'hash', argv: (k) => ['PEXPIREAT', k, `${FAR_FUTURE_S}000`] },
  { command: 'persist', seed: 'string', argv: (k) => ['PERSIST', k] },
  { command: 'copy', seed: 'hash', argv: (k, k2) => ['COPY', k, k2, 'REPLACE'] },
  { command: 'move', seed: 'list', argv: (k) => ['MOVE', k, '9'] },
  { command: 'rename', seed: 'set', argv: (k, k2) => ['RENAME', k, k2] },
  { command: 'renamenx', seed: 'zset', argv: (k) => ['RENAMENX', k, `${k}:new`] },
  { command: 'hset', seed: 'hash', argv: (k) => ['HSET', k, 'f1', 'changed', 'f9', 'added'] },
  { command: 'hmset', seed: 'hash', argv: (k) => ['HMSET', k, 'f2', 'changed'] },
  { command: 'hsetnx', seed: 'hash', argv: (k) => ['HSETNX', k, 'f8', 'added'] },
  { command: 'hdel', seed: 'hash', argv: (k) => ['HDEL', k, 'f1'] },
  { command: 'hincrby', seed: 'hash', argv: (k) => ['HINCRBY', k, 'f1', '5'] },
  { command: 'hincrbyfloat', seed: 'hash', argv: (k) => ['HINCRBYFLOAT', k, 'f2', '0.5'] },
  list('LPUSH', 'x'),
  list('RPUSH', 'x'),
  list('LPUSHX', 'x'),
  list('RPUSHX', 'x'),
  list('LPOP'),
  list('RPOP', '2'),
  list('LREM', '0', 'b'),
  list('LSET', '1', 'set'),
  list('LTRIM', '1', '2'),
  list('LINSERT', 'BEFORE', 'c', 'ins'),
  list('LMOVE', 'K2', 'LEFT', 'RIGHT'),
  list('RPOPLPUSH', 'K2'),
  list('BLMOVE', 'K2', 'RIGHT', 'LEFT', '0'),
  list('BRPOPLPUSH', 'K2', '0'),
  list('BLPOP', '0'),
  list('BRPOP', '0'),
  { command: 'lmpop', seed: 'list', argv: (k) => ['LMPOP', '1', k, 'LEFT', 'COUNT', '2'] },
  { command: 'blmpop', seed: 'list', argv: (k) => ['BLMPOP', '0', '1', k, 'RIGHT'] },
  { command: 'sadd', seed: 'set', argv: (k) => ['SADD', k, 'x', 'a'] },
  { command: 'srem', seed: 'set', argv: (k) => ['SREM', k, 'a'] },
  { command: 'spop', seed: 'set', argv: (k) => ['SPOP', k, '2'] },
  { command: 'smove', seed: 'set', argv: (k, k2) => ['SMOVE', k, k2, 'a'] },
  { command: 'sdiffstore', seed: 'set', argv: (k, k2) => ['SDIFFSTORE', k2, k, `${k}:absent`] },
  { command: 'sinterstore', seed: 'set', argv: (k, k2) => ['SINTERSTORE', k, k, k2] },
  { command: 'sunionstore', seed: 'set', argv: (k, k2) => ['SUNIONSTORE', k2, k] },
  { command: 'zadd', seed: 'zset', argv: (k) => ['ZADD', k, '9', 'x', '0', 'a'] },
  { command: 'zincrby', seed: 'zset', argv: (k) => ['ZINCRBY', k, '2.5', 'b'] },
  { command: 'zrem', seed: 'zset', argv: (k) => ['ZREM', k, 'a'] },
  { command: 'zpopmin', seed: 'zset', argv: (k) => ['ZPOPMIN', k] },
  { command: 'zpopmax', seed: 'zset', argv: (k) => ['ZPOPMAX', k, '2'] },
  { command: 'bzpopmin', seed: 'zset', argv: (k) => ['BZPOPMIN', k, '0'] },
  { command: 'bzpopmax', seed: 'zset', argv: (k) => ['BZPOPMAX', k, '0'] },
  { command: 'zmpop', seed: 'zset', argv: (k) => ['ZMPOP', '1', k, 'MIN'] },
  { command: 'bzmpop', seed: 'zset', argv: (k) => ['BZMPOP', '0', '1', k, 'MAX', 'COUNT', '3'] },
  { command: 'zremrangebyrank', seed: 'zset', argv: (k) => ['ZREMRANGEBYRANK', k, '0', '1'] },
  { command: 'zremrangebyscore', seed: 'zset', argv: (k) => ['ZREMRANGEBYSCORE', k, '2', '3'] },
  { command: 'zremrangebylex', seed: 'zset', argv: (k) => ['ZREMRANGEBYLEX', k, '[a', '[b'] },
  { command: 'zrangestore', seed: 'zset', argv: (k, k2) => ['ZRANGESTORE', k2, k, '0', '1'] },
  { command: 'zunionstore', seed: 'zset', argv: (k, k2) => ['ZUNIONSTORE', k, '2', k, k2] },
  { command: 'zinterstore', seed: 'zset', argv: (k, k2) => ['ZINTERSTORE', k2, '1', k] },
  { command: 'zdiffstore', seed: 'zset', argv: (k, k2) => ['ZDIFFSTORE', k, '1', k2] },
  { command: 'larder.put', seed: 'string', argv: (k) => ['larder.put', k, '{"a":1}', 'application/json', 'KEEPTTL'] },
  { command: 'larder.replace', seed: 'hash', argv: (k) => ['larder.replace', k, 'list', 'ITEMS', 'p', 'q'] },
  { command: 'larder.del', seed: 'string', argv: (k) => ['larder.del', k] },
];

/** Commands that change whole databases: the test runs them at chosen moments instead. */
export const DATABASE_WRITES = ['flushdb', 'flushall', 'swapdb'];

export function seedValue(seed: Seed, i: number): StoredValue {
  switch (seed) {
    case 'string':
      return `value ${i} \u0000\u00ff`;
    case 'number':
      return String(i * 10);
    case 'hash':
      return HashValue.of([['f1', '1'], ['f2', '2.5'], ['f3', `v${i}`]]);
    case 'list':
      return ListValue.of(['a', 'b', 'c', `d${i}`]);
    case 'set':
      return SetValue.of(['a', 'b', 'c', `d${i}`]);
    case 'zset':
      return SortedSetValue.of([['a', 1], ['b', 2], ['c', 3], [`d${i}`, 4]]);
  }
}
