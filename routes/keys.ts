/**
 * The REST key routes: thin sugar over the internal `larder.*` commands and SCAN (see
 * src/commands/rest.ts). Routes never touch the store; they translate HTTP to argv and the reply
 * back.
 *
 * Serialization: the zod response schemas below document the bodies (OpenAPI) but the hot routes
 * (GET/HEAD/PUT /keys/:key) send bodies they built as strings (`keys-render.ts`), which Fastify
 * passes through without running its serializer. fastify-type-provider-zod's serializer runs a
 * full zod parse of every response before JSON.stringify; skipping it is measured in the README.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  KeyListSchema,
  KeyParamsSchema,
  KeyQuerySchema,
  KeyValueSchema,
  ListQuerySchema,
  PutEnvelopeSchema,
  PutQuerySchema,
  PutResultSchema,
} from '../schemas/keys.js';
import { problemResponses } from '../schemas/responses.js';
import type { RouteDeps } from './context.js';
import { keyDoor, type KeyDoor } from './keys-door.js';
import { listKeysHandler } from './keys-list.js';
import { ETAG_HEADER, keyRouteDocs } from './keys-openapi.js';
import { getKeyHandler } from './keys-read.js';
import { deleteKeyHandler, putKeyHandler } from './keys-write.js';

const TAGS = ['keys'];
const NoBody = (description: string) => z.null().describe(description);
const RawBytes = z.string().meta({ format: 'binary' }).describe('The stored bytes, exactly, with the Content-Type they were written with.');

const READ_HEADERS = {
  accept: { description: 'Default: the JSON envelope. Name the stored content type or `application/octet-stream` to get the raw bytes.' },
  'if-none-match': { description: 'An ETag from an earlier read: 304 (no body) while the value is unchanged.' },
};
const WRITE_HEADERS = {
  'if-match': { description: 'Compare-and-set: write only if the current ETag is one of these (`*`: only if the key exists); 412 otherwise.' },
  'if-none-match': { description: '`*`: create only (412 if the key exists). An ETag list: write only if the current ETag is none of them.' },
};
const KEY_TOO_LARGE = problemResponses({
  414: 'The key is longer than `limits.maxKeyBytes` (code `key_too_large`) or than 8192 URL characters (`uri_too_long`).',
});
const READ_ERRORS = {
  ...problemResponses({
    400: 'Invalid query, URL or key encoding (codes `invalid_request`, `invalid_url`, `invalid_base64`).',
    401: 'Missing or wrong bearer token (code `unauthorized`; only when tokens are configured).',
    404: 'The key does not exist or has expired (code `not_found`).',
  }),
  ...KEY_TOO_LARGE,
};

const READ_DESCRIPTION =
  'Returns the value as a JSON envelope `{key, type, value, ttl, ttlMs}`. A JSON string written by PUT, or any string written by ' +
  'SET, comes back as a string when it is valid UTF-8, else as base64 with `"encoding": "base64"`; a non-string JSON value comes ' +
  'back as the same JSON type. A hash is an object, a list or set an array of strings, a sorted set `[{member, score}]` lowest ' +
  'score first (infinite scores as `"inf"` / `"-inf"`); if any field, value or member is not valid UTF-8, all of them are base64 ' +
  'and `"encoding": "base64"` is set. With an `Accept` naming the stored content type (or `application/octet-stream`) a string\'s ' +
  'body is the stored bytes instead. `ETag` identifies the stored value (any type); `If-None-Match` gives 304.';

function registerReads(app: FastifyInstance, door: KeyDoor): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const getKey = getKeyHandler(door);
  const params = KeyParamsSchema;
  const querystring = KeyQuerySchema;
  typed.head('/keys/:key', {
    config: {
      swagger: { exposeHeadRoute: true },
      swaggerTransform: keyRouteDocs({ requestHeaders: READ_HEADERS, responseHeaders: { 200: { etag: ETAG_HEADER } } }),
    },
    schema: {
      tags: TAGS, summary: 'Check a key: status and headers of GET, no body.',
      description: 'Same status, ETag and Content-Type as `GET /keys/{key}` with the same headers, without the body. A cheap existence or freshness check.',
      params, querystring,
      response: { 200: NoBody('The key exists; headers as GET.'), 304: NoBody('Unchanged since the ETag in If-None-Match.'), ...READ_ERRORS },
    },
    handler: getKey,
  });
  typed.get('/keys/:key', {
    exposeHeadRoute: false,
    config: { swaggerTransform: keyRouteDocs({ requestHeaders: READ_HEADERS, responseHeaders: { 200: { etag: ETAG_HEADER }, 304: { etag: ETAG_HEADER } } }) },
    schema: {
      tags: TAGS, summary: 'Read a key: value, type and remaining TTL.', description: READ_DESCRIPTION, params, querystring,
      response: {
        200: { description: 'The value.', content: { 'application/json': { schema: KeyValueSchema }, 'application/octet-stream': { schema: RawBytes } } },
        304: NoBody('Unchanged since the ETag in If-None-Match.'),
        ...READ_ERRORS,
      },
    },
    handler: getKey,
  });
}

const PUT_DESCRIPTION =
  'With `Content-Type: application/json` the body is an envelope `{type?, value, ttl?, ttlMs?, nx?, xx?, keepTtl?, encoding?}`. ' +
  'Without `type` (or with `"string"`) a string `value` is stored as a plain Redis string (redis-cli `GET` shows it as is), any ' +
  'other JSON value as its JSON text, read back as the same JSON type. `"type": "hash" | "list" | "set" | "zset"` stores the ' +
  'value in the form GET returns (object of strings, array of strings, array of strings, `[{member, score}]`), replacing the whole ' +
  'key in one step; an empty value is refused (400 `empty_value`) since Redis never stores an empty one. Any other content type ' +
  'is stored byte for byte with that type; options then go in the query string (they are accepted there for JSON too, but not in ' +
  'both places). Like SET, a write without `ttl`/`ttlMs`/`keepTtl` clears any expiry. `If-Match`/`If-None-Match` give ' +
  'compare-and-set for every type. 201 + Location on create, 200 on replace.';

/** A write's answer while the disk fails; under `appendfsync always` a successful write answers only once it is durable. */
const WRITES_REFUSED =
  'Writes are refused after a disk error (code `writes_refused`; `detail` is Redis\'s MISCONF text, e.g. `MISCONF Errors writing to the AOF file: No space left on device`). ' +
  'Reads still work; writes resume by themselves once the disk takes them again.';

const RETRY_AFTER_HEADER = { description: 'Seconds to wait before retrying the write.', example: '1' };

function registerWrites(app: FastifyInstance, door: KeyDoor): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.put('/keys/:key', {
    config: {
      swaggerTransform: keyRouteDocs({
        requestHeaders: WRITE_HEADERS, jsonBody: PutEnvelopeSchema, rawBodyTypes: ['application/octet-stream', 'text/plain', '*/*'],
        responseHeaders: { 200: { etag: ETAG_HEADER }, 201: { etag: ETAG_HEADER, location: { description: 'The key\'s URL.' } }, 503: { 'retry-after': RETRY_AFTER_HEADER } },
      }),
    },
    schema: {
      tags: TAGS, summary: 'Write a key: JSON envelope or raw bytes, with TTL and conditions.', description: PUT_DESCRIPTION,
      params: KeyParamsSchema, querystring: PutQuerySchema,
      response: {
        200: PutResultSchema.describe('Replaced an existing value.'),
        201: PutResultSchema.describe('Created the key.'),
        ...problemResponses({
          400: 'Invalid envelope, option, URL or key encoding (codes `invalid_envelope`, `empty_value`, `invalid_request`, `conflicting_options`, `missing_body`, `invalid_url`, `invalid_base64`).',
          401: 'Missing or wrong bearer token (code `unauthorized`; only when tokens are configured).',
          412: 'A condition failed: nx/xx, If-Match or If-None-Match (code `precondition_failed`); `ETag` carries the current one.',
          413: 'Body over `http.bodyLimitBytes` (code `payload_too_large`), or a string value or one hash field / value / list item / member over `limits.maxValueBytes` (`value_too_large`).',
          503: WRITES_REFUSED,
          507: 'Used memory is over `memory.maxBytes` and the eviction policy frees nothing (code `OOM`; `detail` is Redis\'s OOM text). Reads and DELETE still work.',
        }),
        ...KEY_TOO_LARGE,
      },
    },
    handler: putKeyHandler(door),
  });
  typed.delete('/keys/:key', {
    config: { swaggerTransform: keyRouteDocs({ requestHeaders: { 'if-match': WRITE_HEADERS['if-match'] }, responseHeaders: { 503: { 'retry-after': RETRY_AFTER_HEADER } } }) },
    schema: {
      tags: TAGS, summary: 'Delete a key.', description: 'Deletes the key (204). With `If-Match`, only while the value is unchanged (412 otherwise).',
      params: KeyParamsSchema, querystring: KeyQuerySchema,
      response: {
        204: NoBody('Deleted.'),
        ...READ_ERRORS,
        ...problemResponses({ 412: 'If-Match did not hold, or named a key that does not exist (code `precondition_failed`).', 503: WRITES_REFUSED }),
      },
    },
    handler: deleteKeyHandler(door),
  });
}

function registerList(app: FastifyInstance, door: KeyDoor): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.get('/keys', {
    schema: {
      tags: TAGS, summary: 'List keys a page at a time (SCAN).',
      description:
        'One SCAN step: pass the returned `cursor` back until it is `0`. A key present for the whole iteration is returned exactly ' +
        'once; keys added or removed meanwhile may or may not be. Pages may be empty before the end.',
      querystring: ListQuerySchema,
      response: { 200: KeyListSchema, ...problemResponses(400, 401) },
    },
    handler: listKeysHandler(door),
  });
}

export function keyRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const door = keyDoor(deps);
  registerReads(app, door);
  registerWrites(app, door);
  registerList(app, door);
}
