import { z } from 'zod';

/** `?flag=true|false` in a query string, as a boolean. */
function queryFlag(description: string) {
  return z
    .enum(['true', 'false'])
    .transform((text) => text === 'true')
    .optional()
    .describe(description);
}

/**
 * Any JSON value. `z.unknown()` rather than `z.json()`: the body is already parsed JSON, and
 * `z.json()`'s recursive definition becomes a shared `$ref` the OpenAPI document does not carry.
 */
function anyJson(description: string) {
  return z
    .unknown()
    .refine((value) => value !== undefined, 'Required')
    .describe(description);
}

const KeyEncodingSchema = z
  .enum(['utf8', 'base64'])
  .default('utf8')
  .describe(
    'How the `:key` path segment is written: `utf8` (percent-encoded UTF-8, the default) or `base64` ' +
      '(standard or URL-safe alphabet) to address a key that is not valid UTF-8.',
  );

export const KeyParamsSchema = z.object({
  key: z.string().describe('The key, percent-encoded UTF-8 (or base64 with `?keyEncoding=base64`).').meta({ example: 'user:42' }),
});

export const KeyQuerySchema = z.object({ keyEncoding: KeyEncodingSchema });

/** 100 years: far beyond any cache entry, and far from int64 overflow once added to the clock. */
const MAX_TTL_SECONDS = 3_155_760_000;
const TTL_SECONDS = 'Time to live in whole seconds (> 0, at most 100 years). Without `ttl`, `ttlMs` or `keepTtl` the key does not expire (as SET).';
const TTL_MS = 'Time to live in milliseconds (> 0); the alternative to `ttl`.';
const NX = 'Write only if the key does not exist (SET NX); 412 otherwise. Same as `If-None-Match: *`.';
const XX = 'Write only if the key exists (SET XX); 412 otherwise. Same as `If-Match: *`.';
const KEEP_TTL = 'Keep the key\'s current expiry (SET KEEPTTL) instead of clearing it.';

/** Write options; the same names work in the query string (any body) and in the JSON envelope. */
export const PutQuerySchema = z.object({
  keyEncoding: KeyEncodingSchema,
  ttl: z.coerce.number().int().positive().max(MAX_TTL_SECONDS).optional().describe(TTL_SECONDS),
  ttlMs: z.coerce.number().int().positive().max(MAX_TTL_SECONDS * 1000).optional().describe(TTL_MS),
  nx: queryFlag(NX),
  xx: queryFlag(XX),
  keepTtl: queryFlag(KEEP_TTL),
});
export type PutQuery = z.infer<typeof PutQuerySchema>;

export const PutEnvelopeSchema = z
  .strictObject({
    value: anyJson(
      'Any JSON value. A string is stored as a plain Redis string (its UTF-8 bytes); a number, boolean, ' +
        'null, object or array is stored as its JSON text and read back as the same JSON type.',
    ),
    encoding: z
      .enum(['base64'])
      .optional()
      .describe('`base64`: `value` is a base64 string whose decoded bytes are stored as a plain Redis string (binary values over JSON).'),
    ttl: z.number().int().positive().max(MAX_TTL_SECONDS).optional().describe(TTL_SECONDS),
    ttlMs: z.number().int().positive().max(MAX_TTL_SECONDS * 1000).optional().describe(TTL_MS),
    nx: z.boolean().optional().describe(NX),
    xx: z.boolean().optional().describe(XX),
    keepTtl: z.boolean().optional().describe(KEEP_TTL),
  })
  .describe('The JSON envelope of `PUT /keys/{key}` with `Content-Type: application/json`.')
  .meta({ examples: [{ value: { name: 'Ada', langs: ['en', 'fr'] }, ttl: 3600 }, { value: 'hello' }, { value: 42, nx: true }] });
export type PutEnvelope = z.infer<typeof PutEnvelopeSchema>;

const TYPES = ['string', 'hash', 'list', 'set', 'zset'] as const;

export const KeyValueSchema = z
  .object({
    key: z.string().describe('The key as addressed in the URL (base64 when `keyEncoding=base64`).'),
    type: z.enum(TYPES).describe('The Redis type of the value (as TYPE reports it).'),
    value: anyJson(
      'The value: a string for a plain Redis string or a raw body (base64 when `encoding` is set), ' +
        'the original JSON value when it was written as JSON.',
    ),
    encoding: z.enum(['base64']).optional().describe('Present when `value` is base64 because the stored bytes are not valid UTF-8.'),
    contentType: z.string().optional().describe('The content type the value was written with, for raw bodies.'),
    ttl: z.number().int().nullable().describe('Remaining time to live in seconds (rounded as TTL does), null when the key does not expire.'),
    ttlMs: z.number().int().nullable().describe('Remaining time to live in milliseconds (PTTL), null when the key does not expire.'),
  })
  .describe('A stored value and its metadata. The `ETag` header identifies the stored bytes.')
  .meta({ example: { key: 'user:42', type: 'string', value: { name: 'Ada' }, ttl: 3599, ttlMs: 3599120 } });

export const PutResultSchema = z
  .object({
    key: z.string().describe('The key as addressed in the URL.'),
    etag: z.string().describe('The ETag of the stored value (also in the `ETag` header); use it in `If-Match` for compare-and-set.'),
    created: z.boolean().describe('true when the key did not exist before (status 201), false when it was replaced (200).'),
    ttl: z.number().int().nullable().describe('Time to live in seconds now, null when the key does not expire.'),
    ttlMs: z.number().int().nullable().describe('Time to live in milliseconds now, null when the key does not expire.'),
  })
  .describe('The outcome of a write.')
  .meta({ example: { key: 'user:42', etag: '"qUqP5cyxm6YcTAhz05Hph5gvu9M"', created: true, ttl: 3600, ttlMs: 3600000 } });

export const ListQuerySchema = z.object({
  match: z.string().default('*').describe('Glob-style pattern (SCAN MATCH), UTF-8.'),
  cursor: z
    .string()
    .regex(/^[0-9]+$/)
    .default('0')
    .describe('Where to continue: `0` to start, then the `cursor` of the previous page.'),
  count: z.coerce.number().int().min(1).max(1000).default(100).describe('How much work one page does (SCAN COUNT, 1–1000): a hint, not an exact page size.'),
  type: z.enum(TYPES).optional().describe('Only keys of this type (SCAN TYPE).'),
  keyEncoding: z.enum(['utf8', 'base64']).default('utf8').describe('`base64` returns every key in base64.'),
});

export const KeyListSchema = z
  .object({
    keys: z.array(z.string()).describe('Keys in this page (UTF-8, or base64 when `encoding` is set). May be empty even when more pages follow.'),
    cursor: z.string().describe('Pass as `cursor` for the next page; `0` when the iteration is complete.'),
    encoding: z
      .enum(['base64'])
      .optional()
      .describe('Present when this page\'s keys are base64: asked for, or some key in the page is not valid UTF-8.'),
  })
  .describe('A page of keys with SCAN guarantees: a key present for the whole iteration is returned at least once.')
  .meta({ example: { keys: ['user:42', 'user:7'], cursor: '17' } });
