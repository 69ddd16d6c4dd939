import SwaggerParser from '@apidevtools/swagger-parser';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentAppOptions } from '../../openapi/generate.js';
import { buildAppRecordingRoutes, type RegisteredRoute } from './registered-routes.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Json[];
  parameters?: Array<{ name: string; in: string; description?: string }>;
  responses: Record<string, { description?: string; content?: Record<string, { schema?: JsonObject }> }>;
}

interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, JsonObject> };
}

const API_TAGS = ['keys', 'commands', 'health'];

let app: FastifyInstance;
let routes: RegisteredRoute[];
let document: Document;

beforeAll(async () => {
  ({ app, routes } = await buildAppRecordingRoutes(documentAppOptions()));
  document = (await app.inject('/openapi.json')).json<Document>();
});
afterAll(() => app.close());

function operations(): Array<{ id: string; path: string; operation: Operation }> {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ id: `${method.toUpperCase()} ${path}`, path, operation })),
  );
}

function isObject(node: Json | undefined): node is JsonObject {
  return typeof node === 'object' && node !== null && !Array.isArray(node);
}

/** A `#/components/schemas/X` reference, followed once, so a described component counts. */
function resolve(schema: JsonObject): JsonObject {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  return document.components?.schemas?.[ref.replace('#/components/schemas/', '')] ?? schema;
}

/** JSON pointers of every schema property (at any depth) that has no description. */
function undescribedProperties(node: Json, pointer: string): string[] {
  if (Array.isArray(node)) return node.flatMap((child, index) => undescribedProperties(child, `${pointer}/${index}`));
  if (!isObject(node)) return [];
  const missing: string[] = [];
  const properties = node.properties;
  if (isObject(properties)) {
    for (const [name, property] of Object.entries(properties)) {
      const described = isObject(property) && typeof resolve(property).description === 'string' && resolve(property).description !== '';
      if (!described) missing.push(`${pointer}/properties/${name}`);
    }
  }
  for (const [key, child] of Object.entries(node)) missing.push(...undescribedProperties(child, `${pointer}/${key.replaceAll('/', '~1')}`));
  return missing;
}

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    // The parser dereferences in place; give it a copy.
    const validated = await SwaggerParser.validate(structuredClone(document) as unknown as Parameters<typeof SwaggerParser.validate>[0]);
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(validated.paths ?? {})).toEqual(Object.keys(document.paths));
  });

  it('documents every route the app registers, and nothing else', () => {
    const registered = routes.map((route) => `${route.method} ${route.path}`).sort();
    const documented = operations().map(({ id }) => id).sort();
    expect(registered.length).toBeGreaterThan(0);
    expect(documented).toEqual(registered);
  });

  it('gives every operation a summary and one of the API tags', () => {
    for (const { id, operation } of operations()) {
      expect(operation.summary, `${id} has no summary`).toMatch(/\S/);
      expect(operation.tags, `${id} needs exactly one tag of ${API_TAGS.join(', ')}`).toHaveLength(1);
      expect(API_TAGS, `${id} has an unknown tag`).toContain(operation.tags?.[0]);
    }
  });

  it('describes every parameter and every schema property', () => {
    const undescribedParameters = operations().flatMap(({ id, operation }) =>
      (operation.parameters ?? []).filter((parameter) => !parameter.description).map((parameter) => `${id} ${parameter.in} ${parameter.name}`),
    );
    expect(undescribedParameters).toEqual([]);
    expect(undescribedProperties(document as unknown as Json, '#')).toEqual([]);
  });

  it('asks for the bearer token exactly on the routes the auth hook guards', () => {
    const guarded = new Map(routes.map((route) => [`${route.method} ${route.path}`, !route.public]));
    for (const { id, operation } of operations()) {
      const inheritsBearer = operation.security === undefined;
      expect(inheritsBearer, `${id}: security must match config.public`).toBe(guarded.get(id));
      if (!inheritsBearer) expect(operation.security, `${id} opts out with security: []`).toEqual([]);
    }
  });

  it('declares REST errors as application/problem+json and /commands errors as the Upstash {"error"} body', () => {
    for (const { id, path, operation } of operations()) {
      if (path.startsWith('/health')) continue; // probes answer their own status body, also on 503
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) < 400) continue;
        const content = response.content ?? {};
        if (path.startsWith('/commands')) {
          expect(Object.keys(content), `${id} ${status}`).toEqual(['application/json']);
          expect(resolve(content['application/json']?.schema ?? {}).required, `${id} ${status}`).toEqual(['error']);
        } else {
          expect(Object.keys(content), `${id} ${status}`).toEqual(['application/problem+json']);
        }
      }
    }
  });
});
