import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { buildApp, type AppOptions } from '../../src/app.js';

export interface RegisteredRoute {
  method: string;
  /** In OpenAPI form, as @fastify/swagger writes it: `/keys/{key}` for `/keys/:key`, `{*}` for a wildcard. */
  path: string;
  /** `config.public`: the auth hook lets it through without a token. */
  public: boolean;
}

const INITIALIZATION_CHANNEL = 'fastify.initialization';

/** Routes that serve the documentation or CORS preflights (`OPTIONS *`) rather than belong to the API. */
function isInfrastructureRoute(method: string, url: string): boolean {
  return url === '/openapi.json' || url === '/docs' || url.startsWith('/docs/') || (method === 'OPTIONS' && url === '*');
}

function toOpenApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*$/, '{*}');
}

/**
 * Builds the app and records every route it registers, through Fastify's public
 * `fastify.initialization` diagnostics channel: it fires inside `Fastify()`, before `buildApp`
 * adds anything, so an `onRoute` hook added there sees all of them.
 *
 * The HEAD route Fastify adds for each GET (`exposeHeadRoutes`) reuses the GET handler; it is not
 * an API route of its own and is left out. An explicitly declared HEAD route has its own handler.
 */
export async function buildAppRecordingRoutes(options: AppOptions): Promise<{ app: FastifyInstance; routes: RegisteredRoute[] }> {
  const routes: RegisteredRoute[] = [];
  const getHandlers = new Map<string, RouteOptions['handler']>();
  const record = (route: RouteOptions): void => {
    for (const method of [route.method].flat()) {
      if (isInfrastructureRoute(method, route.url)) continue;
      if (method === 'GET') getHandlers.set(route.url, route.handler);
      if (method === 'HEAD' && getHandlers.get(route.url) === route.handler) continue;
      routes.push({ method, path: toOpenApiPath(route.url), public: route.config?.public === true });
    }
  };
  const onInitialization = (message: unknown): void => {
    (message as { fastify: FastifyInstance }).fastify.addHook('onRoute', record);
  };
  subscribe(INITIALIZATION_CHANNEL, onInitialization);
  try {
    const app = await buildApp(options);
    return { app, routes };
  } finally {
    unsubscribe(INITIALIZATION_CHANNEL, onInitialization);
  }
}
