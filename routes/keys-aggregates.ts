/**
 * Hashes, lists, sets and sorted sets as JSON on the key routes, both ways.
 *
 * Bytes: fields, values and members are Redis byte strings. They travel as UTF-8 text, or, when
 * any one of them is not valid UTF-8, ALL of them travel as base64 and the body says
 * `"encoding": "base64"`: one flag for the whole value, so a client never has to guess member by
 * member. Scores are numbers either way; the infinities, which JSON cannot write, are Redis's
 * texts `"inf"` and `"-inf"`.
 */
import type { PutEnvelope } from '../schemas/keys.js';
import { DoubleReply, MapReply, SetReply, type Reply } from '../src/commands/reply.js';
import type { AggregateType } from '../src/commands/rest-aggregates.js';
import type { ValueType } from '../src/store/entry.js';
import { base64ToBytes, bytesToBase64, bytesToText, textToBytes } from './keys-codec.js';
import { HttpProblem } from './problem.js';

export type AggregateEnvelope = Extract<PutEnvelope, { type: AggregateType }>;

/** What `larder.replace` needs: the type and the flat item list (see `buildAggregate`). */
export interface AggregateWrite {
  type: AggregateType;
  items: string[];
}

function scoreText(score: number | string): string {
  return typeof score === 'number' ? String(score) : score;
}

function flatItems(envelope: AggregateEnvelope): string[] {
  switch (envelope.type) {
    case 'hash':
      return Object.entries(envelope.value).flat();
    case 'list':
    case 'set':
      return envelope.value;
    case 'zset':
      return envelope.value.flatMap(({ member, score }) => [scoreText(score), member]);
  }
}

/** Item bytes from the envelope's strings; sorted-set scores (even positions) stay as written. */
function itemBytes(envelope: AggregateEnvelope, items: string[]): string[] {
  const isScore = (i: number) => envelope.type === 'zset' && i % 2 === 0;
  if (envelope.encoding === 'base64') return items.map((item, i) => (isScore(i) ? item : base64ToBytes(item, 'A field, value or member')));
  return items.map((item, i) => (isScore(i) ? item : textToBytes(item)));
}

/** An aggregate envelope as `larder.replace` arguments; 400 `empty_value` for an empty value. */
export function aggregateWrite(envelope: AggregateEnvelope): AggregateWrite {
  const items = flatItems(envelope);
  if (items.length === 0) {
    throw new HttpProblem(400, 'empty_value', `An empty ${envelope.type} cannot be stored (Redis deletes empty values); DELETE the key instead`);
  }
  return { type: envelope.type, items: itemBytes(envelope, items) };
}

/** Every string of an aggregate reply, for the one UTF-8 check that picks the encoding. */
function* strings(reply: Reply): IterableIterator<string> {
  if (typeof reply === 'string') yield reply;
  else if (Array.isArray(reply)) for (const item of reply) yield* strings(item);
  else if (reply instanceof SetReply) for (const item of reply.items) yield* strings(item);
  else if (reply instanceof MapReply) for (const [field, value] of reply.entries) yield* [...strings(field), ...strings(value)];
}

function allText(reply: Reply): boolean {
  for (const bytes of strings(reply)) if (bytesToText(bytes) === undefined) return false;
  return true;
}

function scoreJson(reply: Reply): string {
  const score = reply instanceof DoubleReply ? reply.value : Number.NaN;
  if (Number.isFinite(score)) return JSON.stringify(score);
  return score > 0 ? '"inf"' : '"-inf"';
}

function render(type: ValueType, reply: Reply, quote: (bytes: string) => string): string {
  if (type === 'hash' && reply instanceof MapReply) {
    return `{${reply.entries.map(([field, value]) => `${quote(field as string)}:${quote(value as string)}`).join(',')}}`;
  }
  if (type === 'zset' && reply instanceof MapReply) {
    return `[${reply.entries.map(([member, score]) => `{"member":${quote(member as string)},"score":${scoreJson(score)}}`).join(',')}]`;
  }
  const items = reply instanceof SetReply ? reply.items : Array.isArray(reply) ? reply : [];
  return `[${items.map((item) => quote(item as string)).join(',')}]`;
}

/**
 * The `value` field (plus `encoding` when needed) of `GET /keys/:key` for an aggregate, built as
 * JSON text in the reply's order (the order the ETag covers). Hash fields are written as object
 * members directly, so a field named `__proto__` is an ordinary member like any other.
 */
export function aggregateJson(type: ValueType, reply: Reply): string {
  if (allText(reply)) return render(type, reply, (bytes) => JSON.stringify(bytesToText(bytes)));
  return `${render(type, reply, (bytes) => `"${bytesToBase64(bytes)}"`)},"encoding":"base64"`;
}
