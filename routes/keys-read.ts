import type { FastifyReply, FastifyRequest } from 'fastify';
import { decodeGet } from '../src/commands/rest-replies.js';
import { headerText, keyFromPath, noneMatchHits } from './keys-codec.js';
import type { KeyDoor, KeyRequestParts } from './keys-door.js';
import { rawContentType } from './keys-negotiate.js';
import { keyValueBody } from './keys-render.js';
import { HttpProblem } from './problem.js';

type KeyRequest = FastifyRequest<{ Params: KeyRequestParts['params']; Querystring: KeyRequestParts['query'] }>;

export const JSON_UTF8 = 'application/json; charset=utf-8';

export function notFound(): HttpProblem {
  return new HttpProblem(404, 'not_found', 'The key does not exist or has expired');
}

/**
 * `GET /keys/:key` (HEAD shares it; Node drops the body of a HEAD response and keeps its headers).
 * One `larder.get` reads type, value, marker, TTL and ETag in one step; then, in order:
 * 304 when If-None-Match matches, the raw bytes when the Accept header asks for them, else the
 * JSON envelope.
 */
export function getKeyHandler(door: KeyDoor) {
  return function getKey(request: KeyRequest, reply: FastifyReply): void {
    const key = keyFromPath(request.params.key, request.query.keyEncoding, door.limits.maxKeyBytes);
    const view = decodeGet(door.dispatch(['larder.get', key]));
    if (view === null) throw notFound();
    // The representation depends on Accept, so shared caches must key on it.
    reply.header('vary', 'Accept');
    if (view.etag !== null) {
      reply.header('etag', view.etag);
      if (noneMatchHits(headerText(request.headers['if-none-match']), view.etag)) return void reply.code(304).send();
    }
    if (typeof view.value === 'string') {
      const rawType = rawContentType(request.headers.accept, view.meta);
      if (rawType !== undefined) return void reply.type(rawType).send(Buffer.from(view.value, 'latin1'));
    }
    return void reply.type(JSON_UTF8).send(keyValueBody(request.params.key, view));
  };
}
