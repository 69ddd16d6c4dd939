/**
 * Byte/text conversions and header parsing for the REST key routes. Inside the engine keys and
 * values are one-byte ("latin1") strings; HTTP carries UTF-8 text, base64 or raw bytes.
 * ASCII is by far the common case and is the same in every form, so each conversion checks for it
 * first and skips the Buffer round trip.
 */
import { isUtf8 } from 'node:buffer';
import { HttpProblem } from './problem.js';

const ASCII = /^[\x00-\x7f]*$/;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** UTF-8 text (a JS string) → its bytes as a one-byte string. */
export function textToBytes(text: string): string {
  return ASCII.test(text) ? text : Buffer.from(text, 'utf8').toString('latin1');
}

/** Stored bytes → text when they are valid UTF-8, else undefined. */
export function bytesToText(bytes: string): string | undefined {
  if (ASCII.test(bytes)) return bytes;
  const buffer = Buffer.from(bytes, 'latin1');
  return isUtf8(buffer) ? buffer.toString('utf8') : undefined;
}

export function bytesToBase64(bytes: string): string {
  return Buffer.from(bytes, 'latin1').toString('base64');
}

/** Base64 (standard or URL-safe alphabet) → bytes; a 400 problem when it is not base64. */
export function base64ToBytes(text: string, what: string): string {
  if (!BASE64.test(text) || text.replace(/=+$/, '').length % 4 === 1) {
    throw new HttpProblem(400, 'invalid_base64', `${what} is not valid base64`);
  }
  return Buffer.from(text, 'base64').toString('latin1');
}

/** The key bytes a `:key` path segment names (Fastify has already percent-decoded it). */
export function keyFromPath(segment: string, encoding: 'utf8' | 'base64', maxKeyBytes: number): string {
  const key = encoding === 'utf8' ? textToBytes(segment) : base64ToBytes(segment, 'The key');
  if (key.length > maxKeyBytes) {
    throw new HttpProblem(414, 'key_too_large', `The key is ${key.length} bytes; the limit is ${maxKeyBytes} bytes`);
  }
  return key;
}

/** RFC 9110's entity-tag: an optional `W/`, then a double-quoted string without inner quotes. */
const ETAG_SHAPE = /^(W\/)?"[^"]*"$/;

/**
 * The entity tags listed in an `If-Match` / `If-None-Match` header, `'*'` for the wildcard.
 * `weak` drops `W/` prefixes for If-None-Match's weak comparison; for If-Match (strong comparison)
 * weak tags are kept as written and so never equal one of our strong tags.
 */
export function parseEtagList(header: string, weak: boolean): string[] | '*' | undefined {
  const trimmed = header.trim();
  if (trimmed === '*') return '*';
  const tags: string[] = [];
  for (const part of trimmed.split(',')) {
    const tag = part.trim();
    if (tag === '') continue;
    // RFC 9110: entity-tag = [ W/ ] DQUOTE *etagc DQUOTE. Anything else is a malformed header,
    // never a tag to hand to the engine (where a bare word could read as an option).
    if (!ETAG_SHAPE.test(tag)) return undefined;
    tags.push(weak && tag.startsWith('W/') ? tag.slice(2) : tag);
  }
  return tags;
}

/** Whether an If-None-Match header matches the current ETag (a GET should answer 304). */
export function noneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header === etag) return true;
  const tags = parseEtagList(header, true);
  if (tags === undefined) return false;
  return tags === '*' || tags.includes(etag);
}

/** A header's value as one string (Node joins repeated list headers with ", " already). */
export function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
