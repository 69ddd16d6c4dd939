import { ProblemSchema, UpstashErrorSchema, type Problem } from './problem.js';

/**
 * Error responses for route schemas, declared with the media type the error handler really sends.
 *
 * A bare zod schema under `response[status]` is documented as `application/json`; REST errors are
 * `application/problem+json` (RFC 9457), so they are declared in the `{ description, content }` form,
 * which Fastify (serializer per media type), fastify-type-provider-zod and @fastify/swagger all
 * understand. Each status carries an example, so Swagger UI shows a real problem body instead of
 * one it invents from the types (`"status": -9007199254740991`).
 */

interface StatusDoc {
  /** What the status means on Larder's routes; a route may pass a more specific text. */
  description: string;
  /** The RFC 9110 reason phrase, as `routes/problem.ts` sends it (a test keeps the two equal). */
  title: string;
  code: string;
  detail: string;
  /** The `error` text on `/commands` when it is not `detail` (the error handler sends `detail` there). */
  upstashError?: string;
}

export const PROBLEM_STATUSES = {
  400: {
    description: 'The request is malformed: invalid parameters, body or command arguments.',
    title: 'Bad Request',
    code: 'invalid_request',
    detail: '/ttl Too small: expected number to be >0',
    upstashError: 'ERR syntax error',
  },
  401: {
    description: 'A valid bearer token is required (only when tokens are configured).',
    title: 'Unauthorized',
    code: 'unauthorized',
    detail: 'A valid bearer token is required (Authorization: Bearer <token>).',
    upstashError: 'Unauthorized',
  },
  404: {
    description: 'No such key (it never existed, was deleted or has expired).',
    title: 'Not Found',
    code: 'not_found',
    detail: 'The key does not exist or has expired',
  },
  409: {
    description: 'The key holds a value of another type (Redis `WRONGTYPE`).',
    title: 'Conflict',
    code: 'WRONGTYPE',
    detail: 'WRONGTYPE Operation against a key holding the wrong kind of value',
  },
  412: {
    description: 'A precondition failed: `If-Match` / `If-None-Match` or the only-if-absent / only-if-present condition.',
    title: 'Precondition Failed',
    code: 'precondition_failed',
    detail: 'The current ETag does not match If-Match',
  },
  413: {
    description: 'The body, key or value exceeds the configured size limit.',
    title: 'Content Too Large',
    code: 'payload_too_large',
    detail: 'Request body is too large',
  },
  414: {
    description: 'The key is longer than the configured limit, or the URL is too long.',
    title: 'URI Too Long',
    code: 'key_too_large',
    detail: 'The key is 70000 bytes; the limit is 65536 bytes',
  },
  500: {
    description: 'An internal failure; the details are logged, never sent.',
    title: 'Internal Server Error',
    code: 'internal_error',
    detail: 'Internal server error',
  },
  503: {
    description:
      'Writes are refused after a disk error (Redis `MISCONF`: the append-only log or the last snapshot could not be written); reads still work. ' +
      '`Retry-After` says when to try again: writes resume by themselves once the disk takes them.',
    title: 'Service Unavailable',
    code: 'writes_refused',
    detail: 'MISCONF Errors writing to the AOF file: No space left on device',
  },
  507: {
    description: 'The memory limit is reached and the eviction policy frees nothing (Redis `OOM`).',
    title: 'Insufficient Storage',
    code: 'OOM',
    detail: "OOM command not allowed when used memory > 'maxmemory'.",
  },
} as const satisfies Record<number, StatusDoc>;

export type ProblemStatus = keyof typeof PROBLEM_STATUSES;

export interface ProblemResponse {
  description: string;
  content: { 'application/problem+json': { schema: typeof ProblemSchema } };
}

export interface UpstashErrorResponse {
  description: string;
  content: { 'application/json': { schema: typeof UpstashErrorSchema } };
}

/** The problem body the error handler sends for `status`, as documentation shows it. */
export function problemExample(status: ProblemStatus): Problem {
  const { title, code, detail } = PROBLEM_STATUSES[status];
  return { type: 'about:blank', title, status, detail, code, instance: '/keys/user%3A42' };
}

/** The `{"error"}` text `/commands` sends for `status`. */
export function upstashErrorExample(status: ProblemStatus): string {
  const doc: StatusDoc = PROBLEM_STATUSES[status];
  return doc.upstashError ?? doc.detail;
}

/**
 * `problemResponses(400, 404)` or, with route-specific texts, `problemResponses({ 404: 'No such key.' })`.
 * Spread the result into a route's `response` beside its success schemas.
 */
export function problemResponses<S extends ProblemStatus>(...statuses: S[]): Record<S, ProblemResponse>;
export function problemResponses<S extends ProblemStatus>(descriptions: Record<S, string>): Record<S, ProblemResponse>;
export function problemResponses<S extends ProblemStatus>(...args: S[] | [Record<S, string>]): Record<S, ProblemResponse> {
  return buildResponses(describe(args), (status, description) => ({
    description,
    content: { 'application/problem+json': { schema: ProblemSchema.meta({ examples: [problemExample(status)] }) } },
  }));
}

/** The `{"error"}` bodies of the Upstash-compatible `/commands` routes, sent as `application/json`. */
export function upstashErrorResponses<S extends ProblemStatus>(...statuses: S[]): Record<S, UpstashErrorResponse>;
export function upstashErrorResponses<S extends ProblemStatus>(descriptions: Record<S, string>): Record<S, UpstashErrorResponse>;
export function upstashErrorResponses<S extends ProblemStatus>(...args: S[] | [Record<S, string>]): Record<S, UpstashErrorResponse> {
  return buildResponses(describe(args), (status, description) => ({
    description,
    content: { 'application/json': { schema: UpstashErrorSchema.meta({ examples: [{ error: upstashErrorExample(status) }] }) } },
  }));
}

function describe<S extends ProblemStatus>(args: S[] | [Record<S, string>]): Map<S, string> {
  const [first] = args;
  if (typeof first === 'object') return new Map(Object.entries(first).map(([status, text]) => [Number(status) as S, text as string]));
  return new Map((args as S[]).map((status) => [status, PROBLEM_STATUSES[status].description]));
}

function buildResponses<S extends ProblemStatus, R>(descriptions: Map<S, string>, build: (status: S, description: string) => R): Record<S, R> {
  const responses = {} as Record<S, R>;
  for (const [status, description] of descriptions) responses[status] = build(status, description);
  return responses;
}
