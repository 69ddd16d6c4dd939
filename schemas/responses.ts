import { ProblemSchema, UpstashErrorSchema } from './problem.js';

/**
 * Error responses for route schemas, declared with the media type the error handler really sends.
 *
 * A bare zod schema under `response[status]` is documented as `application/json`; REST errors are
 * `application/problem+json` (RFC 9457), so they are declared in the `{ description, content }` form,
 * which Fastify (serializer per media type), fastify-type-provider-zod and @fastify/swagger all
 * understand.
 */

/** What each status means for Larder's routes; a route may pass its own, more specific text. */
const PROBLEM_DESCRIPTIONS = {
  400: 'The request is malformed: invalid parameters, body or command arguments.',
  401: 'A valid bearer token is required (only when tokens are configured).',
  404: 'No such key (it never existed, was deleted or has expired).',
  406: 'The value cannot be represented in any media type the `Accept` header allows.',
  409: 'The key holds a value of another type (Redis `WRONGTYPE`).',
  412: 'A precondition failed: `If-Match` / `If-None-Match` or the only-if-absent / only-if-present condition.',
  413: 'The body, key or value exceeds the configured size limit.',
  415: 'The request body has a media type this route does not accept.',
  503: 'The server is not ready (still loading) or is shutting down.',
  500: 'An internal failure; the details are logged, never sent.',
  507: 'The memory limit is reached and the eviction policy frees nothing (Redis `OOM`).',
} as const;

export type ProblemStatus = keyof typeof PROBLEM_DESCRIPTIONS;

export interface ProblemResponse {
  description: string;
  content: { 'application/problem+json': { schema: typeof ProblemSchema } };
}

export interface UpstashErrorResponse {
  description: string;
  content: { 'application/json': { schema: typeof UpstashErrorSchema } };
}

/**
 * `problemResponses(400, 404)` or, with route-specific texts, `problemResponses({ 404: 'No such key.' })`.
 * Spread the result into a route's `response` beside its success schemas.
 */
export function problemResponses<S extends ProblemStatus>(...statuses: S[]): Record<S, ProblemResponse>;
export function problemResponses<S extends ProblemStatus>(descriptions: Record<S, string>): Record<S, ProblemResponse>;
export function problemResponses<S extends ProblemStatus>(...args: S[] | [Record<S, string>]): Record<S, ProblemResponse> {
  return buildResponses(describe(args), (description) => ({
    description,
    content: { 'application/problem+json': { schema: ProblemSchema } },
  }));
}

/** The `{"error"}` bodies of the Upstash-compatible `/commands` routes, sent as `application/json`. */
export function upstashErrorResponses<S extends ProblemStatus>(...statuses: S[]): Record<S, UpstashErrorResponse>;
export function upstashErrorResponses<S extends ProblemStatus>(descriptions: Record<S, string>): Record<S, UpstashErrorResponse>;
export function upstashErrorResponses<S extends ProblemStatus>(...args: S[] | [Record<S, string>]): Record<S, UpstashErrorResponse> {
  return buildResponses(describe(args), (description) => ({
    description,
    content: { 'application/json': { schema: UpstashErrorSchema } },
  }));
}

function describe<S extends ProblemStatus>(args: S[] | [Record<S, string>]): Map<S, string> {
  const [first] = args;
  if (typeof first === 'object') return new Map(Object.entries(first).map(([status, text]) => [Number(status) as S, text as string]));
  return new Map((args as S[]).map((status) => [status, PROBLEM_DESCRIPTIONS[status]]));
}

function buildResponses<S extends ProblemStatus, R>(descriptions: Map<S, string>, build: (description: string) => R): Record<S, R> {
  const responses = {} as Record<S, R>;
  for (const [status, description] of descriptions) responses[status] = build(description);
  return responses;
}
