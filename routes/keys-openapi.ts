/**
 * OpenAPI details the zod route schemas cannot carry, added per route through @fastify/swagger's
 * `config.swaggerTransform`:
 * - request headers (If-Match, If-None-Match, Accept) are documented but not validated, so the hot
 *   routes do not run a schema over every request's headers;
 * - PUT's body is documented per content type (JSON envelope, raw bytes) but validated in the
 *   handler, because Fastify validates one body schema whatever the content type;
 * - response headers (ETag, Location).
 */
import type { SwaggerTransform } from '@fastify/swagger';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import type { z } from 'zod';

interface HeaderDoc {
  description: string;
  example?: string;
}

export interface KeyRouteDocs {
  requestHeaders?: Record<string, HeaderDoc>;
  /** The body when sent as `application/json` (documented, validated by the handler). */
  jsonBody?: z.ZodType;
  /** Other media types the body may have, stored byte for byte. */
  rawBodyTypes?: readonly string[];
  /** Response headers by status code. */
  responseHeaders?: Record<number, Record<string, HeaderDoc>>;
}

export const ETAG_HEADER: HeaderDoc = {
  description:
    'Strong entity tag of the stored value: SHA-1 of a string\'s bytes and content type, or of a hash, list, set or sorted set in ' +
    'the order GET lists it; use it in If-Match / If-None-Match.',
  example: '"qUqP5cyxm6YcTAhz05Hph5gvu9M"',
};

function headersSchema(headers: Record<string, HeaderDoc>): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const [name, doc] of Object.entries(headers)) properties[name] = { type: 'string', ...doc };
  return { type: 'object', properties };
}

type JsonSchema = Record<string, unknown>;

function withResponseHeaders(responses: Record<string, unknown>, extra: KeyRouteDocs['responseHeaders']): Record<string, unknown> {
  const result = { ...responses };
  for (const [status, headers] of Object.entries(extra ?? {})) {
    const response = (result[status] ?? {}) as JsonSchema;
    result[status] = { ...response, headers: Object.fromEntries(Object.entries(headers).map(([name, doc]) => [name, { type: 'string', ...doc }])) };
  }
  return result;
}

const RAW_BODY = { type: 'string', format: 'binary', description: 'The value\'s bytes, stored exactly; the Content-Type is kept with them.' };

function bodyContent(jsonBody: unknown, rawTypes: readonly string[]): Record<string, { schema: unknown }> {
  const content: Record<string, { schema: unknown }> = { 'application/json': { schema: jsonBody } };
  for (const mediaType of rawTypes) content[mediaType] = { schema: RAW_BODY };
  return content;
}

type MediaTypes = Record<string, { schema?: JsonSchema; examples?: unknown }>;

/**
 * @fastify/swagger turns a schema's `x-examples` into its media type's named `examples` (a picker
 * in Swagger UI) for bodies and plain responses, but copies responses given per media type as they
 * are; this does the same lift for those.
 */
function liftResponseExamples(responses: Record<string, unknown>): Record<string, unknown> {
  const result = { ...responses };
  for (const [status, response] of Object.entries(result)) {
    const content = (response as { content?: MediaTypes }).content;
    if (content === undefined) continue;
    const lifted: MediaTypes = {};
    for (const [mediaType, media] of Object.entries(content)) {
      const { 'x-examples': examples, ...schema } = media.schema ?? {};
      lifted[mediaType] = examples === undefined ? media : { ...media, schema, examples };
    }
    result[status] = { ...(response as JsonSchema), content: lifted };
  }
  return result;
}

/** The route's `swaggerTransform`: the zod transform, then the extras above. */
export function keyRouteDocs(docs: KeyRouteDocs): SwaggerTransform {
  return (document) => {
    // The JSON body goes through the zod transform (shared components, recursive z.json) as if
    // it were the route's body schema, then moves under its media type.
    const input = docs.jsonBody === undefined ? document : { ...document, schema: { ...document.schema, body: docs.jsonBody } };
    const transformed = jsonSchemaTransform(input as Parameters<typeof jsonSchemaTransform>[0]);
    const schema = { ...transformed.schema } as JsonSchema;
    if (docs.requestHeaders !== undefined) schema.headers = headersSchema(docs.requestHeaders);
    if (docs.jsonBody !== undefined) schema.body = { content: bodyContent(schema.body, docs.rawBodyTypes ?? []) };
    if (docs.responseHeaders !== undefined) schema.response = withResponseHeaders((schema.response ?? {}) as JsonSchema, docs.responseHeaders);
    if (schema.response !== undefined) schema.response = liftResponseExamples(schema.response as JsonSchema);
    return { schema, url: transformed.url };
  };
}
