/**
 * Turns a PUT's body, query string and precondition headers into `larder.put` arguments.
 * Options may come from the query string (any body) or the JSON envelope; naming one in both
 * places is refused rather than silently preferring one.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { PutEnvelope, PutQuery } from '../schemas/keys.js';
import { putEnvelopeSchemaFor } from '../schemas/keys.js';
import { aggregateWrite, type AggregateEnvelope, type AggregateWrite } from './keys-aggregates.js';
import { base64ToBytes, headerText, parseEtagList, textToBytes } from './keys-codec.js';
import { JSON_META } from './keys-negotiate.js';
import { HttpProblem } from './problem.js';

type WriteOptions = Pick<PutQuery, 'ttl' | 'ttlMs' | 'nx' | 'xx' | 'keepTtl'>;

/** A string write (`larder.put`) or a whole hash, list, set or sorted set (`larder.replace`). */
export type WriteRequest =
  | {
      kind: 'string';
      /** The bytes to store. */
      value: string;
      /** `Entry.meta`: '' for a plain Redis string. */
      meta: string;
      options: WriteOptions;
    }
  | ({ kind: 'aggregate'; options: WriteOptions } & AggregateWrite);

function badRequest(code: string, detail: string): HttpProblem {
  return new HttpProblem(400, code, detail);
}

/** One option from the query string or the envelope; naming it in both is an error. */
function either<T>(name: string, fromQuery: T | undefined, fromBody: T | undefined): T | undefined {
  if (fromQuery !== undefined && fromBody !== undefined) {
    throw badRequest('conflicting_options', `\`${name}\` is given both in the query string and in the envelope`);
  }
  return fromQuery ?? fromBody;
}

function mergeOptions(query: PutQuery, envelope: PutEnvelope | undefined): WriteOptions {
  if (envelope === undefined) return query;
  return {
    ttl: either('ttl', query.ttl, envelope.ttl),
    ttlMs: either('ttlMs', query.ttlMs, envelope.ttlMs),
    nx: either('nx', query.nx, envelope.nx),
    xx: either('xx', query.xx, envelope.xx),
    keepTtl: either('keepTtl', query.keepTtl, envelope.keepTtl),
  };
}

type StringEnvelope = Exclude<PutEnvelope, AggregateEnvelope>;

function isStringEnvelope(envelope: PutEnvelope): envelope is StringEnvelope {
  return envelope.type === undefined || envelope.type === 'string';
}

/** The envelope's value as bytes + marker: strings stay plain Redis strings, other JSON keeps its type. */
function envelopeValue(envelope: StringEnvelope): { value: string; meta: string } {
  if (envelope.encoding === 'base64') {
    if (typeof envelope.value !== 'string') throw badRequest('invalid_request', '`encoding: base64` needs a string `value`');
    return { value: base64ToBytes(envelope.value, '`value`'), meta: '' };
  }
  if (typeof envelope.value === 'string') return { value: textToBytes(envelope.value), meta: '' };
  return { value: textToBytes(JSON.stringify(envelope.value)), meta: JSON_META };
}

/** Validates the envelope against the form its `type` names, so errors speak of that form only. */
function parseEnvelope(body: unknown): PutEnvelope {
  const type = typeof body === 'object' && body !== null && 'type' in body ? body.type : undefined;
  const schema = putEnvelopeSchemaFor(type);
  if (schema === undefined) throw badRequest('invalid_envelope', 'type: expected one of "string", "hash", "list", "set", "zset"');
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const detail = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ');
  throw badRequest('invalid_envelope', detail);
}

/**
 * What to write. A JSON body (Fastify parsed it) is an envelope; any other content type arrived
 * as a Buffer (see `registerBodyParsers` in app.ts) and is stored byte for byte with its type.
 */
export function writeRequest(body: unknown, contentType: string | undefined, query: PutQuery): WriteRequest {
  if (Buffer.isBuffer(body)) {
    return { kind: 'string', value: body.toString('latin1'), meta: contentType?.trim() ?? '', options: mergeOptions(query, undefined) };
  }
  if (body === undefined) {
    throw badRequest('missing_body', 'PUT needs a body: a JSON envelope (Content-Type: application/json) or raw bytes with their Content-Type');
  }
  const envelope = parseEnvelope(body);
  const options = mergeOptions(query, envelope);
  if (isStringEnvelope(envelope)) return { kind: 'string', ...envelopeValue(envelope), options };
  return { kind: 'aggregate', ...aggregateWrite(envelope), options };
}

function condition(options: WriteOptions, headers: IncomingHttpHeaders, ifMatch: string[] | '*' | undefined): string[] {
  const onlyIfAbsent = options.nx === true || headerText(headers['if-none-match'])?.trim() === '*';
  const onlyIfPresent = options.xx === true || ifMatch === '*';
  if (onlyIfAbsent && onlyIfPresent) {
    throw badRequest('conflicting_options', 'Only-if-absent (nx, If-None-Match: *) and only-if-present (xx, If-Match) exclude each other');
  }
  return onlyIfAbsent ? ['NX'] : onlyIfPresent ? ['XX'] : [];
}

function expiry(options: WriteOptions): string[] {
  const given = (options.ttl === undefined ? 0 : 1) + (options.ttlMs === undefined ? 0 : 1) + (options.keepTtl === true ? 1 : 0);
  if (given > 1) throw badRequest('conflicting_options', 'Give at most one of `ttl`, `ttlMs` and `keepTtl`');
  if (options.ttl !== undefined) return ['PX', String(options.ttl * 1000)];
  if (options.ttlMs !== undefined) return ['PX', String(options.ttlMs)];
  return options.keepTtl === true ? ['KEEPTTL'] : [];
}

/** If-Match's entity tags; a header that lists none is refused rather than read as "no condition". */
export function ifMatchTags(header: string): string[] | '*' {
  const tags = parseEtagList(header, false);
  if (tags === undefined || tags.length === 0) throw badRequest('invalid_precondition', 'If-Match lists no valid entity tag (e.g. "abc" or *)');
  return tags;
}

function ifNoneMatchTags(header: string): string[] | '*' {
  const tags = parseEtagList(header, true);
  if (tags === undefined) throw badRequest('invalid_precondition', 'If-None-Match lists an invalid entity tag (e.g. "abc" or *)');
  return tags;
}

/** `larder.put` options from the write options and the If-Match / If-None-Match headers. */
export function putArguments(options: WriteOptions, headers: IncomingHttpHeaders): string[] {
  const ifMatchHeader = headerText(headers['if-match']);
  const ifMatch = ifMatchHeader === undefined ? undefined : ifMatchTags(ifMatchHeader);
  const args = [...condition(options, headers, ifMatch), ...expiry(options)];
  if (Array.isArray(ifMatch)) for (const tag of ifMatch) args.push('IFMATCH', tag);
  const ifNoneMatchHeader = headerText(headers['if-none-match']);
  const ifNoneMatch = ifNoneMatchHeader === undefined ? '*' : ifNoneMatchTags(ifNoneMatchHeader);
  if (Array.isArray(ifNoneMatch)) for (const tag of ifNoneMatch) args.push('IFNONEMATCH', tag);
  return args;
}
