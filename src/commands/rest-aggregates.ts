/**
 * Hashes, lists, sets and sorted sets through the REST door: the reply `larder.get` carries for
 * each (rendered as JSON by `routes/keys-aggregates.ts`) and the value `larder.replace` builds
 * from its flat item list.
 */
import { Errors } from '../errors.js';
import type { AggregateValue, ValueType } from '../store/entry.js';
import { HashValue } from '../store/types/hash-value.js';
import { ListValue } from '../store/types/list-value.js';
import { SetValue } from '../store/types/set-value.js';
import { SortedSetValue } from '../store/types/sorted-set-value.js';
import { checkValueSize } from './access.js';
import { DoubleReply, MapReply, SetReply, type Reply } from './reply.js';
import { scoreArg } from './sorted-sets-args.js';
import type { CommandContext } from './types.js';

export type AggregateType = Exclude<ValueType, 'string'>;

/**
 * The REST form of an aggregate, in the order its ETag is computed (see rest-etag.ts):
 * hash → `MapReply` field → value (storage order); list → array; set → `SetReply` (storage
 * order); sorted set → `MapReply` member → `DoubleReply` score, ascending.
 */
export function restAggregate(value: AggregateValue): Reply {
  if (value instanceof HashValue) return new MapReply([...value.pairs()]);
  if (value instanceof ListValue) return [...value];
  if (value instanceof SetValue) return new SetReply([...value]);
  if (value instanceof SortedSetValue) {
    return new MapReply(Array.from(value.ascending(), (node) => [node.member, new DoubleReply(node.score)] as const));
  }
  throw new TypeError(`no REST form for a ${value.type}`);
}

export function isAggregateType(text: string): text is AggregateType {
  return text === 'hash' || text === 'list' || text === 'set' || text === 'zset';
}

/** Pairs `[a, b, c, d]` → `[[a, b], [c, d]]`; an odd count is a syntax error, as in HSET / ZADD. */
function pairs(items: readonly string[]): Array<[string, string]> {
  if (items.length % 2 !== 0) throw Errors.syntax();
  const result: Array<[string, string]> = [];
  for (let i = 0; i < items.length; i += 2) result.push([items[i]!, items[i + 1]!]);
  return result;
}

/**
 * A fresh value of `type` from `larder.replace`'s items: hash `field value …`, list `item …`,
 * set `member …`, sorted set `score member …` (ZADD's order and score syntax). Duplicates
 * behave as one HSET / SADD / ZADD call would: the last field value or score wins.
 */
export function buildAggregate(ctx: CommandContext, type: AggregateType, items: readonly string[]): AggregateValue {
  for (const item of items) checkValueSize(ctx, item.length);
  switch (type) {
    case 'hash':
      return HashValue.of(pairs(items));
    case 'list':
      return ListValue.of(items);
    case 'set':
      return SetValue.of(items);
    case 'zset':
      return SortedSetValue.of(pairs(items).map(([score, member]) => [member, scoreArg(score)] as const));
  }
}
