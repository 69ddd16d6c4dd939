/**
 * JSON bodies of the key routes, built as strings: the hot routes skip the zod serializer (see
 * `keys.ts`), and a JSON-typed value's stored text is spliced in as is instead of being parsed and
 * re-serialized. The shapes are the zod schemas in `schemas/keys.ts`; tests hold the two together.
 */
import type { PutResult, StoredView } from '../src/commands/rest-replies.js';
import { aggregateJson } from './keys-aggregates.js';
import { bytesToBase64, bytesToText } from './keys-codec.js';
import { JSON_META } from './keys-negotiate.js';

/** `ttl` and `ttlMs` fields: null without expiry; seconds rounded as Redis's TTL does. */
function ttlFields(remainingMs: number): string {
  if (remainingMs < 0) return '"ttl":null,"ttlMs":null';
  return `"ttl":${Math.floor((remainingMs + 500) / 1000)},"ttlMs":${remainingMs}`;
}

/** A string value: its JSON text, or base64 when the bytes are not UTF-8. */
function stringValue(bytes: string, meta: string | null): string {
  const text = bytesToText(bytes);
  if (text === undefined) return `${JSON.stringify(bytesToBase64(bytes))},"encoding":"base64"`;
  // Only PUT writes this marker, always with JSON.stringify's output; any Redis write clears it.
  if (meta === JSON_META) return text;
  return JSON.stringify(text);
}

/** The body of `GET /keys/:key` (schema: `KeyValueSchema`). `keyText` is the key as addressed. */
export function keyValueBody(keyText: string, view: StoredView): string {
  const value = typeof view.value === 'string' ? stringValue(view.value, view.meta) : aggregateJson(view.type, view.value);
  const contentType = view.meta === null || view.meta === JSON_META ? '' : `,"contentType":${JSON.stringify(view.meta)}`;
  return `{"key":${JSON.stringify(keyText)},"type":"${view.type}","value":${value}${contentType},${ttlFields(view.remainingMs)}}`;
}

/** The body of a successful `PUT /keys/:key` (schema: `PutResultSchema`). */
export function putResultBody(keyText: string, result: PutResult): string {
  const created = result.outcome === 'created';
  return `{"key":${JSON.stringify(keyText)},"etag":${JSON.stringify(result.etag)},"created":${created},${ttlFields(result.remainingMs)}}`;
}
