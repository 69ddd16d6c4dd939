import type { AggregateValue } from '../entry.js';
import { objectBytes } from '../memory-model.js';
import { DenseSet } from './dense-set.js';

/** members, positions, memberBytes, chargedBytes. */
const SET_OBJECT_BYTES = objectBytes(4);

/** A Redis set of byte strings, with O(1) random members for SPOP / SRANDMEMBER (see DenseSet). */
export class SetValue extends DenseSet implements AggregateValue {
  chargedBytes = 0;

  get type(): 'set' {
    return 'set';
  }

  get sizeBytes(): number {
    return SET_OBJECT_BYTES + this.heapBytes();
  }

  static of(members: Iterable<string>): SetValue {
    const set = new SetValue();
    for (const member of members) set.add(member);
    return set;
  }

  *[Symbol.iterator](): IterableIterator<string> {
    for (let i = 0; i < this.members.length; i++) yield this.members[i]!;
  }

  clone(): SetValue {
    return SetValue.of(this);
  }
}
