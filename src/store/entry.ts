/**
 * One stored key. Kept to a handful of small fields: with a million keys every field costs ~8 MB.
 *
 * Values are byte strings held as one-byte ("latin1") JS strings: V8 stores them compactly and
 * they are binary-safe (each char code is one byte, 0–255). Aggregate types (issue 4) are objects
 * that carry their own `type` tag.
 */
export type ValueType = 'string' | 'hash' | 'list' | 'set' | 'zset';

/** The shape every aggregate value implements so the keyspace can tell types apart. */
export interface AggregateValue {
  readonly type: Exclude<ValueType, 'string'>;
  /** A deep copy (COPY must not share structure with the source). */
  clone(): AggregateValue;
  /** Heap bytes the value holds (memory-model.ts), kept up to date as members come and go: O(1). */
  readonly sizeBytes: number;
  /**
   * What the keyspace last counted for this value in its total: a write changes `sizeBytes`
   * first, and the keyspace adds the difference when the change is published (touch / delete).
   */
  chargedBytes: number;
}

export type StoredValue = string | AggregateValue;

/**
 * One key's record. Five in-object fields (64 bytes): with a million keys each field costs 8 MB,
 * so the REST door's rare content-type marker lives on a subclass (MarkedEntry), not here.
 */
export class Entry {
  /** Absolute expiry in ms since the epoch; 0 means the key does not expire. */
  expiresAtMs = 0;
  /** Index in the keyspace's slot array (stable for SCAN while the key lives). */
  slot = -1;
  /** Index in the keyspace's array of keys with a TTL, or -1. */
  volatileIndex = -1;
  /**
   * The eviction policy's access stamp, 24 bits as in Redis's object header (a small integer, so
   * it costs one in-object word and no allocation): the LRU clock in seconds, or for LFU the
   * access time in minutes (high 16 bits) and a logarithmic access counter (low 8). See access-clock.ts.
   */
  access = 0;

  constructor(public value: StoredValue) {}

  /** An entry for `value`, with the REST marker when there is one. */
  static create(value: StoredValue, meta: string | undefined): Entry {
    return meta === undefined ? new Entry(value) : new MarkedEntry(value, meta);
  }

  get type(): ValueType {
    return typeof this.value === 'string' ? 'string' : this.value.type;
  }

  /**
   * The REST door's note about a string value: `undefined` for a plain Redis string,
   * `application/json` when the bytes are the JSON text of a non-string JSON value, or the
   * content type of a raw body. Any Redis command that rewrites a value drops it.
   */
  get meta(): string | undefined {
    return undefined;
  }

  /** A Redis command rewrote the value in place: the REST marker no longer applies. */
  dropMeta(): void {}
}

/** An entry written through the REST door with a content-type marker (see `Entry.meta`). */
export class MarkedEntry extends Entry {
  constructor(
    value: StoredValue,
    private marker: string | undefined,
  ) {
    super(value);
  }

  override get meta(): string | undefined {
    return this.marker;
  }

  override dropMeta(): void {
    this.marker = undefined;
  }
}

export function cloneValue(value: StoredValue): StoredValue {
  return typeof value === 'string' ? value : value.clone();
}
