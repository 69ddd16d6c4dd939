import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PutQuery } from '../schemas/keys.js';
import { decodeDelete, decodePut, type PutOutcome } from '../src/commands/rest-replies.js';
import { headerText, keyFromPath } from './keys-codec.js';
import { keyLocation, type KeyDoor, type KeyRequestParts } from './keys-door.js';
import { JSON_UTF8, notFound } from './keys-read.js';
import { putResultBody } from './keys-render.js';
import { ifMatchTags, putArguments, writeRequest, type WriteRequest } from './keys-write-options.js';
import { sendWhenDurable } from './durable-reply.js';
import { HttpProblem } from './problem.js';

type PutRequest = FastifyRequest<{ Params: KeyRequestParts['params']; Querystring: PutQuery }>;
type DeleteRequest = FastifyRequest<{ Params: KeyRequestParts['params']; Querystring: KeyRequestParts['query'] }>;

const REFUSALS: Partial<Record<PutOutcome, string>> = {
  exists: 'The key exists (only-if-absent: nx or If-None-Match: *)',
  missing: 'The key does not exist (only-if-present: xx or If-Match)',
  mismatch: 'The current ETag does not match If-Match',
  matched: 'The current ETag matches If-None-Match',
};

function preconditionFailed(detail: string): HttpProblem {
  return new HttpProblem(412, 'precondition_failed', detail);
}

/** 413 for a string over `limits.maxValueBytes`, or an aggregate with one field, value or member over it. */
function checkSizes(write: WriteRequest, maxValueBytes: number): void {
  const [what, items] = write.kind === 'string' ? ['The value', [write.value]] : ['A field, value or member', write.items];
  for (const item of items) {
    if (item.length > maxValueBytes) {
      throw new HttpProblem(413, 'value_too_large', `${what} is ${item.length} bytes; the limit is ${maxValueBytes} bytes`);
    }
  }
}

/** The internal command for a write: `larder.put` for a string, `larder.replace` for an aggregate. */
function writeArgv(key: string, write: WriteRequest, options: string[]): string[] {
  if (write.kind === 'string') return ['larder.put', key, write.value, write.meta, ...options];
  return ['larder.replace', key, write.type, ...options, 'ITEMS', ...write.items];
}

/**
 * `PUT /keys/:key`: one `larder.put` or `larder.replace` checks the preconditions and writes in
 * the same step, so a compare-and-set over HTTP cannot interleave with another writer. 201 +
 * Location on create, 200 on replace, 412 (with the current ETag, to retry from) when a
 * precondition refuses.
 */
export function putKeyHandler(door: KeyDoor) {
  return function putKey(request: PutRequest, reply: FastifyReply): void {
    const key = keyFromPath(request.params.key, request.query.keyEncoding, door.limits.maxKeyBytes);
    const write = writeRequest(request.body, request.headers['content-type'], request.query);
    checkSizes(write, door.limits.maxValueBytes);
    const mark = door.durability.sealedRecords;
    const result = decodePut(door.dispatch(writeArgv(key, write, putArguments(write.options, request.headers))));
    if (result.etag !== null) reply.header('etag', result.etag);
    const refused = REFUSALS[result.outcome];
    if (refused !== undefined) throw preconditionFailed(refused);
    if (result.outcome === 'created') reply.code(201).header('location', keyLocation(request));
    sendWhenDurable(door.durability, mark, () => void reply.type(JSON_UTF8).send(putResultBody(request.params.key, result)));
  };
}

/** `DELETE /keys/:key`: 204, 404 when missing, 412 when If-Match is given and does not hold. */
export function deleteKeyHandler(door: KeyDoor) {
  return function deleteKey(request: DeleteRequest, reply: FastifyReply): void {
    const key = keyFromPath(request.params.key, request.query.keyEncoding, door.limits.maxKeyBytes);
    const ifMatchHeader = headerText(request.headers['if-match']);
    const ifMatch = ifMatchHeader === undefined ? '*' : ifMatchTags(ifMatchHeader);
    const argv = ['larder.del', key];
    if (Array.isArray(ifMatch)) for (const tag of ifMatch) argv.push('IFMATCH', tag);
    const mark = door.durability.sealedRecords;
    const outcome = decodeDelete(door.dispatch(argv));
    if (outcome === 'mismatch') throw preconditionFailed(REFUSALS.mismatch!);
    // RFC 9110: a failed If-Match on a missing resource is a failed precondition, not a 404.
    if (outcome === 'missing') throw ifMatchHeader === undefined ? notFound() : preconditionFailed(REFUSALS.missing!);
    sendWhenDurable(door.durability, mark, () => void reply.code(204).send());
  };
}
