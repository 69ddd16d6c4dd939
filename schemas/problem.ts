import { z } from 'zod';

/** RFC 9457 problem details, with Larder's stable machine-readable `code`. */
export const ProblemSchema = z
  .object({
    type: z.string().describe('A URI reference naming the problem type (`about:blank` or a Larder doc anchor).'),
    title: z.string().describe('Short human-readable summary of the problem type.'),
    status: z.number().int().describe('The HTTP status code.'),
    detail: z.string().optional().describe('Human-readable explanation of this occurrence.'),
    code: z.string().describe('Stable machine-readable error code, e.g. `not_found`, `precondition_failed`, `WRONGTYPE`.'),
    instance: z.string().optional().describe('The request path that produced the problem.'),
  })
  .describe('An error, as application/problem+json (RFC 9457).');

export type Problem = z.infer<typeof ProblemSchema>;

/** The Upstash REST protocol's error body. */
export const UpstashErrorSchema = z
  .object({ error: z.string().describe('The error text (Redis error texts keep their prefix, e.g. `ERR syntax error`).') })
  .describe('An error, in the Upstash REST protocol shape.');
