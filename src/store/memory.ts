/**
 * The store's memory accounting: what one entry costs, what a keyspace's tables cost, and the
 * store-wide `used_memory` that `maxmemory` is checked against.
 *
 * The total is kept as writes happen rather than measured: the keyspace adds and subtracts an
 * entry's bytes when it stores, replaces or removes one, and aggregates keep their own size as
 * members come and go (each value class counts its members, see `sizeBytes`). Reading it is O(1)
 * per database, and it moves with each write, never with GC timing, so eviction decisions are
 * repeatable. `test/store/memory-accounting.test.ts` holds it to the heap V8 really uses.
 */
import { type Entry, MarkedEntry, type StoredValue } from './entry.js';
import { HEAP_NUMBER_BYTES, mapTableBytes, objectBytes, stringBytes } from './memory-model.js';

/** An Entry: expiresAtMs, slot, volatileIndex, access, value. */
const ENTRY_BYTES = objectBytes(5);
/** A MarkedEntry's extra field (the REST content-type marker). */
const MARKER_FIELD_BYTES = objectBytes(6) - ENTRY_BYTES;
/** A key with a TTL: its expiry time, boxed as a heap number (its volatile-array slot is counted with the table). */
export const VOLATILE_BYTES = HEAP_NUMBER_BYTES;

/**
 * An entry's bytes: the Entry, the key string (shared by the Map and the slot array), the value
 * and the REST marker. With `charge`, an aggregate's current size becomes what is counted for it
 * (`chargedBytes`); without, the figure counted before is used, so a removal subtracts exactly
 * what the keyspace added whatever happened to the value since.
 */
export function entryBytes(key: string, entry: Entry, charge: boolean): number {
  return entryShellBytes(key, entry) + valueBytes(entry.value, charge);
}

/** The Entry, its key and its REST marker: everything but the value. */
function entryShellBytes(key: string, entry: Entry): number {
  const meta = entry.meta;
  const marker = entry instanceof MarkedEntry ? MARKER_FIELD_BYTES + (meta === undefined ? 0 : stringBytes(meta.length)) : 0;
  return ENTRY_BYTES + stringBytes(key.length) + marker;
}

function valueBytes(value: StoredValue, charge: boolean): number {
  if (typeof value === 'string') return stringBytes(value.length);
  if (charge) value.chargedBytes = value.sizeBytes;
  return value.chargedBytes;
}

/** Counts an aggregate's size again after an in-place change; returns the difference. */
export function rechargeValue(value: Exclude<StoredValue, string>): number {
  const before = value.chargedBytes;
  value.chargedBytes = value.sizeBytes;
  return value.chargedBytes - before;
}

/** The keyspace's Map table plus its slot arrays (keys and free slots) and the volatile key array. */
export function keyspaceOverheadBytes(tableCapacity: number, slotCount: number, volatileCount: number): number {
  // The arrays are big and long-lived: their growth slack averages a quarter (V8 grows by half).
  return mapTableBytes(tableCapacity) + Math.ceil((slotCount + volatileCount) * 1.25) * 8;
}

/**
 * A key's share of its keyspace's tables: a Map slot (28 bytes) times the table's typical 1.5×
 * headroom, plus its slot-array word with slack.
 */
const TABLE_SHARE_BYTES = Math.round((mapTableBytes(2) - mapTableBytes(1)) * 1.5 + 10);

/** MEMORY USAGE for one key: what the accounting counts for it now, plus its share of the tables. */
export function keyUsageBytes(key: string, entry: Entry): number {
  const volatile = entry.volatileIndex === -1 ? 0 : VOLATILE_BYTES;
  const value = typeof entry.value === 'string' ? stringBytes(entry.value.length) : entry.value.sizeBytes;
  return entryShellBytes(key, entry) + value + volatile + TABLE_SHARE_BYTES;
}
