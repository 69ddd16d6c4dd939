/**
 * JSON bodies of the key routes, built as strings: the hot routes skip the zod serializer (see
 * `keys.ts`), and a JSON-typed value's stored text is spliced in as is instead of being parsed and
 * re-serialized. The shapes are the zod schemas in `schemas/keys.ts`; tests hold the two together.
 */
import { BooleanReply, DoubleReply, MapReply, SetReply, type Reply } from '../src/commands/reply.js';
import type { PutResult, StoredView } from '../src/commands/rest-replies.js';
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

function everyStringIsText(reply: Reply): boolean {
  if (typeof reply === 'string') return bytesToText(reply) !== undefined;
  if (Array.isArray(reply)) return reply.every(everyStringIsText);
  if (reply instanceof SetReply) return reply.items.every(everyStringIsText);
  if (reply instanceof MapReply) return reply.entries.every(([field, value]) => everyStringIsText(field) && everyStringIsText(value));
  return true;
}

/** An aggregate reply as a JSON value: arrays, maps as objects, doubles as numbers. */
function toJsonValue(reply: Reply, encode: (bytes: string) => string): unknown {
  if (typeof reply === 'string') return encode(reply);
  if (typeof reply === 'number' || reply === null) return reply;
  if (typeof reply === 'bigint') return reply.toString();
  if (Array.isArray(reply)) return reply.map((item) => toJsonValue(item, encode));
  if (reply instanceof SetReply) return reply.items.map((item) => toJsonValue(item, encode));
  if (reply instanceof MapReply) {
    return Object.fromEntries(reply.entries.map(([field, value]) => [String(toJsonValue(field, encode)), toJsonValue(value, encode)]));
  }
  if (reply instanceof DoubleReply) return Number.isFinite(reply.value) ? reply.value : String(reply.value);
  if (reply instanceof BooleanReply) return reply.value;
  return null;
}

/**
 * The `value` field (plus `encoding` when needed) of an aggregate type: strings inside are text,
 * or all base64 when any of them is not valid UTF-8, so one flag describes the whole value.
 */
export function aggregateValue(reply: Reply): string {
  const asText = everyStringIsText(reply);
  const json = JSON.stringify(toJsonValue(reply, asText ? (bytes) => bytesToText(bytes)! : bytesToBase64));
  return asText ? json : `${json},"encoding":"base64"`;
}

/** The body of `GET /keys/:key` (schema: `KeyValueSchema`). `keyText` is the key as addressed. */
export function keyValueBody(keyText: string, view: StoredView): string {
  const value = typeof view.value === 'string' ? stringValue(view.value, view.meta) : aggregateValue(view.value);
  const contentType = view.meta === null || view.meta === JSON_META ? '' : `,"contentType":${JSON.stringify(view.meta)}`;
  return `{"key":${JSON.stringify(keyText)},"type":"${view.type}","value":${value}${contentType},${ttlFields(view.remainingMs)}}`;
}

/** The body of a successful `PUT /keys/:key` (schema: `PutResultSchema`). */
export function putResultBody(keyText: string, result: PutResult): string {
  const created = result.outcome === 'created';
  return `{"key":${JSON.stringify(keyText)},"etag":${JSON.stringify(result.etag)},"created":${created},${ttlFields(result.remainingMs)}}`;
}
