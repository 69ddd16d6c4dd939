import type { AggregateValue } from '../entry.js';
import { DenseMap } from './dense-set.js';

/** A Redis hash: field → value byte strings, with O(1) random fields for HRANDFIELD (see DenseMap). */
export class HashValue extends DenseMap<string> implements AggregateValue {
  get type(): 'hash' {
    return 'hash';
  }

  static of(pairs: Iterable<readonly [string, string]>): HashValue {
    const hash = new HashValue();
    for (const [field, value] of pairs) hash.set(field, value);
    return hash;
  }

  /** [field, value] pairs in storage order. */
  *pairs(): IterableIterator<[string, string]> {
    for (let i = 0; i < this.members.length; i++) yield [this.members[i]!, this.values[i]!];
  }

  clone(): HashValue {
    return HashValue.of(this.pairs());
  }
}
