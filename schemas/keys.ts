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

/** The write options every envelope form accepts (the same names as in the query string). */
const ENVELOPE_OPTIONS = {
  ttl: z.number().int().positive().max(MAX_TTL_SECONDS).optional().describe(TTL_SECONDS),
  ttlMs: z.number().int().positive().max(MAX_TTL_SECONDS * 1000).optional().describe(TTL_MS),
  nx: z.boolean().optional().describe(NX),
  xx: z.boolean().optional().describe(XX),
  keepTtl: z.boolean().optional().describe(KEEP_TTL),
};

const AGGREGATE_BASE64 = z
  .enum(['base64'])
  .optional()
  .describe('`base64`: every field, value and member in `value` is base64 (scores stay numbers), for bytes that are not UTF-8.');

/** A sorted-set score: a JSON number, or Redis's text for the infinities JSON cannot write. */
const ScoreSchema = z
  .union([z.number(), z.enum(['inf', '+inf', '-inf'])])
  .describe('The score: a number, or `"inf"` / `"-inf"` (JSON has no infinities). `GET` writes `"inf"` and `"-inf"`.');

/** The JSON forms of the aggregate types, shared by the PUT envelopes and the GET body. */
export const HashJsonSchema = z.record(z.string(), z.string()).describe('A hash: an object of field → value, both strings.');
export const ListJsonSchema = z.array(z.string()).describe('A list: its items, head first.');
export const SetJsonSchema = z.array(z.string()).describe('A set: its members.');
export const SortedSetJsonSchema = z
  .array(z.strictObject({ member: z.string().describe('The member.'), score: ScoreSchema }))
  .describe('A sorted set: `{member, score}` objects, lowest score first (ties by member, as ZRANGE).');

const StringEnvelopeSchema = z
  .strictObject({
    type: z.literal('string').optional().describe('Omitted or `string`: a Redis string.'),
    value: anyJson(
      'Any JSON value. A string is stored as a plain Redis string (its UTF-8 bytes); a number, boolean, ' +
        'null, object or array is stored as its JSON text and read back as the same JSON type.',
    ),
    encoding: z
      .enum(['base64'])
      .optional()
      .describe('`base64`: `value` is a base64 string whose decoded bytes are stored as a plain Redis string (binary values over JSON).'),
    ...ENVELOPE_OPTIONS,
  })
  .describe('A string value (the default when `type` is omitted).')
  .meta({ examples: [{ value: { name: 'Ada', langs: ['en', 'fr'] }, ttl: 3600 }, { value: 'hello' }, { value: 42, nx: true }] });

const NOT_EMPTY = 'Not empty (Redis never stores an empty one): an empty value is refused with 400 `empty_value`; DELETE the key instead.';

function aggregateEnvelope<const T extends string, V extends z.ZodType>(type: T, value: V, description: string, example: Record<string, unknown>) {
  return z
    .strictObject({
      type: z.literal(type).describe(`\`${type}\`.`),
      value: value.describe(`${value.description ?? ''} ${NOT_EMPTY}`),
      encoding: AGGREGATE_BASE64,
      ...ENVELOPE_OPTIONS,
    })
    .describe(description)
    .meta({ example: { type, ...example } });
}

const AGGREGATE_ENVELOPES = {
  hash: aggregateEnvelope('hash', HashJsonSchema, 'A hash: replaces the key as DEL + HSET would, in one step.', {
    value: { name: 'Ada', lang: 'en' },
    ttl: 3600,
  }),
  list: aggregateEnvelope('list', ListJsonSchema, 'A list: replaces the key as DEL + RPUSH would, in one step.', { value: ['job:1', 'job:2'] }),
  set: aggregateEnvelope('set', SetJsonSchema, 'A set: replaces the key as DEL + SADD would, in one step; a repeated member counts once.', {
    value: ['red', 'green'],
  }),
  zset: aggregateEnvelope('zset', SortedSetJsonSchema, 'A sorted set: replaces the key as DEL + ZADD would, in one step; a repeated member keeps its last score.', {
    value: [{ member: 'ada', score: 120 }, { member: 'bob', score: 95.5 }, { member: 'bot', score: '-inf' }],
  }),
};

/** The envelope schema for a body's `type` (absent → string), or undefined for an unknown type. */
export function putEnvelopeSchemaFor(type: unknown): (typeof AGGREGATE_ENVELOPES)[keyof typeof AGGREGATE_ENVELOPES] | typeof StringEnvelopeSchema | undefined {
  if (type === undefined || type === 'string') return StringEnvelopeSchema;
  if (type === 'hash' || type === 'list' || type === 'set' || type === 'zset') return AGGREGATE_ENVELOPES[type];
  return undefined;
}

/** Named examples (`x-examples` becomes the media type's `examples`: a picker in Swagger UI). */
const PUT_EXAMPLES = {
  json: { summary: 'A JSON document with a TTL (a string key)', value: { value: { name: 'Ada', langs: ['en', 'fr'] }, ttl: 3600 } },
  text: { summary: 'A plain Redis string', value: { value: 'hello' } },
  hash: { summary: 'A hash', value: { type: 'hash', value: { user: '42', theme: 'dark' }, ttl: 1800 } },
  list: { summary: 'A list', value: { type: 'list', value: ['job:1', 'job:2'] } },
  set: { summary: 'A set, only if the key is new', value: { type: 'set', value: ['red', 'green'], nx: true } },
  zset: { summary: 'A sorted set', value: { type: 'zset', value: [{ member: 'ada', score: 120 }, { member: 'bob', score: 95.5 }] } },
  binary: { summary: 'A set with members that are not UTF-8', value: { type: 'set', value: ['/w==', 'YQ=='], encoding: 'base64' } },
};

export const PutEnvelopeSchema = z
  .union([StringEnvelopeSchema, AGGREGATE_ENVELOPES.hash, AGGREGATE_ENVELOPES.list, AGGREGATE_ENVELOPES.set, AGGREGATE_ENVELOPES.zset])
  .describe('The JSON envelope of `PUT /keys/{key}` with `Content-Type: application/json`; `type` picks the form.')
  .meta({ 'x-examples': PUT_EXAMPLES });
export type PutEnvelope = z.infer<typeof PutEnvelopeSchema>;

const TYPES = ['string', 'hash', 'list', 'set', 'zset'] as const;

export const KeyValueSchema = z
  .object({
    key: z.string().describe('The key as addressed in the URL (base64 when `keyEncoding=base64`).'),
    type: z.enum(TYPES).describe('The Redis type of the value (as TYPE reports it).'),
    value: z
      .union([HashJsonSchema, SortedSetJsonSchema, ListJsonSchema, anyJson('A string value.')])
      .describe(
        'The value. A string: its text (base64 when `encoding` is set), or the original JSON value when it was written as JSON. ' +
          'A hash: an object; a list or set: an array of strings; a sorted set: `[{member, score}]`, lowest score first.',
      ),
    encoding: z
      .enum(['base64'])
      .optional()
      .describe(
        'Present when the stored bytes are not all valid UTF-8: the string is base64, or, for a hash, list, set or sorted set, ' +
          'every field, value and member is base64 (scores stay numbers).',
      ),
    contentType: z.string().optional().describe('The content type the value was written with, for raw bodies.'),
    ttl: z.number().int().nullable().describe('Remaining time to live in seconds (rounded as TTL does), null when the key does not expire.'),
    ttlMs: z.number().int().nullable().describe('Remaining time to live in milliseconds (PTTL), null when the key does not expire.'),
  })
  .describe('A stored value and its metadata. The `ETag` header identifies the stored value.')
  .meta({
    'x-examples': {
      json: { summary: 'A JSON document written by PUT', value: { key: 'user:42', type: 'string', value: { name: 'Ada' }, ttl: 3599, ttlMs: 3599120 } },
      hash: { summary: 'A hash', value: { key: 'session:9', type: 'hash', value: { user: '42', theme: 'dark' }, ttl: 1800, ttlMs: 1799850 } },
      list: { summary: 'A list', value: { key: 'queue:mail', type: 'list', value: ['job:1', 'job:2'], ttl: null, ttlMs: null } },
      set: { summary: 'A set', value: { key: 'tags', type: 'set', value: ['red', 'green'], ttl: null, ttlMs: null } },
      zset: {
        summary: 'A sorted set (lowest score first)',
        value: { key: 'board', type: 'zset', value: [{ member: 'bob', score: 95.5 }, { member: 'ada', score: 120 }, { member: 'top', score: 'inf' }], ttl: null, ttlMs: null },
      },
      binary: {
        summary: 'A set with a member that is not UTF-8: every member in base64',
        value: { key: 'raw', type: 'set', value: ['/w==', 'YQ=='], encoding: 'base64', ttl: null, ttlMs: null },
      },
    },
  });

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
