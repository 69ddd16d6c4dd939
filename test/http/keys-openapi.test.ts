import { describe, expect, it } from 'vitest';
import { keysApp } from './keys-support.js';

interface Operation {
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: { content: Record<string, { schema: { anyOf?: Array<{ properties: Record<string, unknown> }>; format?: string } }> };
  responses: Record<string, { headers?: Record<string, unknown> }>;
}

describe('OpenAPI for the key routes', () => {
  it('documents precondition headers, both PUT body forms and the ETag / Location response headers', async () => {
    const { app } = await keysApp();
    const paths = (await app.inject('/openapi.json')).json<{ paths: Record<string, Record<string, Operation>> }>().paths;
    const item = paths['/keys/{key}']!;
    const headerNames = (operation: Operation) => (operation.parameters ?? []).filter((p) => p.in === 'header').map((p) => p.name).sort();
    expect(headerNames(item.get!)).toEqual(['accept', 'if-none-match']);
    expect(headerNames(item.put!)).toEqual(['if-match', 'if-none-match']);
    expect(headerNames(item.delete!)).toEqual(['if-match']);
    const content = item.put!.requestBody!.content;
    expect(Object.keys(content)).toEqual(['application/json', 'application/octet-stream', 'text/plain', '*/*']);
    // One envelope form per type (string, hash, list, set, zset), each with `type` and `value`.
    const forms = content['application/json']!.schema.anyOf ?? [];
    expect(forms.map((form) => Object.keys(form.properties))).toEqual(Array(5).fill(expect.arrayContaining(['type', 'value'])));
    expect(content['application/octet-stream']!.schema.format).toBe('binary');
    expect(Object.keys(item.put!.responses['201']!.headers ?? {})).toEqual(['etag', 'location']);
    expect(Object.keys(item.get!.responses['200']!.headers ?? {})).toEqual(['etag']);
    expect(Object.keys(item.head!.responses['200']!.headers ?? {})).toEqual(['etag']);
  });
});
