/**
 * Snapshot codecs for the aggregate types, one per type byte (see snapshot-format.ts). Each value
 * is a member count followed by its items; sorted sets are written in ascending order so a load
 * appends to the skip list's tail, the cheapest insert it has.
 *
 * The format's ByteReader bounds-checks every read against the block (whose CRC has already
 * passed), so a damaged count cannot read past the record.
 */
import type { StoredValue, ValueType } from '../entry.js';
import type { ByteReader, ByteWriter, ValueCodec } from '../snapshot-format.js';
import { HashValue } from './hash-value.js';
import { ListValue } from './list-value.js';
import { SetValue } from './set-value.js';
import { SortedSetValue } from './sorted-set-value.js';

function expect<T>(value: StoredValue, kind: abstract new (...args: never[]) => T): T {
  if (!(value instanceof kind)) throw new TypeError(`snapshot codec given a ${typeof value === 'string' ? 'string' : value.type}`);
  return value;
}

const hashCodec: ValueCodec = {
  encode(value: StoredValue, out: ByteWriter): void {
    const hash = expect(value, HashValue);
    out.varint(hash.size);
    for (const [field, fieldValue] of hash.pairs()) {
      out.latin1(field);
      out.latin1(fieldValue);
    }
  },
  decode(input: ByteReader): StoredValue {
    const hash = new HashValue();
    for (let n = input.varint(); n > 0; n--) hash.set(input.latin1(), input.latin1());
    return hash;
  },
};

const listCodec: ValueCodec = {
  encode(value: StoredValue, out: ByteWriter): void {
    const list = expect(value, ListValue);
    out.varint(list.length);
    for (const item of list) out.latin1(item);
  },
  decode(input: ByteReader): StoredValue {
    const list = new ListValue();
    for (let n = input.varint(); n > 0; n--) list.pushBack(input.latin1());
    return list;
  },
};

const setCodec: ValueCodec = {
  encode(value: StoredValue, out: ByteWriter): void {
    const set = expect(value, SetValue);
    out.varint(set.size);
    for (const member of set) out.latin1(member);
  },
  decode(input: ByteReader): StoredValue {
    const set = new SetValue();
    for (let n = input.varint(); n > 0; n--) set.add(input.latin1());
    return set;
  },
};

const sortedSetCodec: ValueCodec = {
  encode(value: StoredValue, out: ByteWriter): void {
    const zset = expect(value, SortedSetValue);
    out.varint(zset.size);
    for (const node of zset.ascending()) {
      out.latin1(node.member);
      out.f64(node.score);
    }
  },
  decode(input: ByteReader): StoredValue {
    const zset = new SortedSetValue();
    for (let n = input.varint(); n > 0; n--) {
      const member = input.latin1();
      zset.set(member, input.f64());
    }
    return zset;
  },
};

/** Codecs for every aggregate type, keyed as snapshot-format's `valueCodecs`. */
export const aggregateCodecs: Readonly<Record<Exclude<ValueType, 'string'>, ValueCodec>> = {
  hash: hashCodec,
  list: listCodec,
  set: setCodec,
  zset: sortedSetCodec,
};
