/**
 * Typed views of the `larder.*` replies (see `rest.ts`), so the routes read named fields instead
 * of array positions. Error replies are thrown: the HTTP error handler renders `CommandError`s.
 */
import { CommandError } from '../errors.js';
import type { ValueType } from '../store/entry.js';
import type { Reply } from './reply.js';

export type PutOutcome = 'created' | 'replaced' | 'exists' | 'missing' | 'mismatch' | 'matched';
export type DeleteOutcome = 'deleted' | 'missing' | 'mismatch';

export interface StoredView {
  type: ValueType;
  /** Bytes for a string; a structured reply for aggregate types. */
  value: Reply;
  /** The REST content-type marker, null for a plain Redis string. */
  meta: string | null;
  /** Remaining time to live in ms, -1 when the key does not expire. */
  remainingMs: number;
  /** The strong ETag of the stored value (see rest-etag.ts). */
  etag: string;
}

export interface PutResult {
  outcome: PutOutcome;
  /** The stored value's ETag after the command (the new one on success). */
  etag: string | null;
  remainingMs: number;
}

function unwrap(reply: Reply): Reply {
  if (reply instanceof CommandError) throw reply;
  return reply;
}

export function decodeGet(reply: Reply): StoredView | null {
  const fields = unwrap(reply);
  if (fields === null) return null;
  const [type, value, meta, remainingMs, etag] = fields as [ValueType, Reply, string | null, number, string];
  return { type, value, meta, remainingMs, etag };
}

export function decodePut(reply: Reply): PutResult {
  const [outcome, etag, remainingMs] = unwrap(reply) as [PutOutcome, string | null, number];
  return { outcome, etag, remainingMs };
}

export function decodeDelete(reply: Reply): DeleteOutcome {
  return unwrap(reply) as DeleteOutcome;
}

/** SCAN's reply: `[nextCursor, keys]`. */
export function decodeScan(reply: Reply): { cursor: string; keys: string[] } {
  const [cursor, keys] = unwrap(reply) as [string, string[]];
  return { cursor, keys };
}
