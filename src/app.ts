import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import { browserGuard } from '../routes/browser-guard.js';
import type { RouteDeps } from '../routes/context.js';
import { commandRoutes } from '../routes/commands.js';
import { WRITES_REFUSED_RETRY_AFTER } from '../routes/durable-reply.js';
import { healthRoutes } from '../routes/health.js';
import { keyRoutes } from '../routes/keys.js';
import { subscribeRoutes } from '../routes/subscribe.js';
import { HttpProblem, problemBody, statusForCommandError } from '../routes/problem.js';
import { CommandError } from './errors.js';
import { TokenMatcher } from './tokens.js';

export interface AppOptions extends RouteDeps {
  logger: FastifyServerOptions['loggerInstance'] | boolean;
  http: {
    bodyLimitBytes: number;
    requestTimeoutMs: number;
  };
  auth: { tokens: readonly string[] };
  cors: { origins: readonly string[] };
  /** Refuse non-loopback Host headers (DNS rebinding); the server sets it when no token is configured. */
  security?: { requireLoopbackHost: boolean };
}

export const OPENAPI_INFO = {
  title: 'Larder',
  description:
    'A Redis-compatible in-memory cache service. REST key routes, the Upstash-compatible `/commands` endpoints and a RESP listener share one engine.',
  version: '0.1.0',
};

/** Levels at which Fastify logs no request lines (they are `info`). */
const QUIET_LEVELS = new Set(['warn', 'error', 'fatal', 'silent']);

/** Builds the Fastify app (never listens): plugins, auth, error format, routes. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(typeof options.logger === 'boolean' ? { logger: options.logger } : { loggerInstance: options.logger }),
    bodyLimit: options.http.bodyLimitBytes,
    requestTimeout: options.http.requestTimeoutMs,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { maxParamLength: 8192 },
    frameworkErrors: routingError,
    // A per-request child logger (reqId bindings, per-route serializers) costs about a fifth of a
    // small request's CPU. Below `info` no request is logged, so it would only carry reqId, which
    // the error handler adds itself: reuse the root logger then.
    childLoggerFactory: (logger, bindings, childOptions) =>
      QUIET_LEVELS.has(logger.level) ? logger : logger.child(bindings, childOptions),
    logController: new LogController({
      disableRequestLogging: typeof options.logger !== 'boolean' && QUIET_LEVELS.has(options.logger?.level ?? 'info'),
    }),
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(emptyInputCachingValidator);
  app.setSerializerCompiler(serializerCompiler);
  registerBodyParsers(app);
  // Hooks cost on every request, so CORS and auth are registered only when configured.
  if (options.cors.origins.length > 0) await registerCors(app, options.cors.origins);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: OPENAPI_INFO,
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'One of the tokens from `auth.tokens`; required on every route but health and docs when tokens are configured.' },
        },
      },
      // Declared whatever this process's config says, so the committed document describes every
      // deployment; public routes opt out with `security: []` in their schema.
      security: [{ bearer: [] }],
      tags: [
        { name: 'keys', description: 'REST access to string keys: values, TTLs, ETags and conditional writes.' },
        { name: 'commands', description: 'Redis commands over HTTP, wire-compatible with the Upstash REST protocol.' },
        { name: 'health', description: 'Liveness and readiness probes (no token needed).' },
      ],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { tryItOutEnabled: true } });
  app.addHook('onRequest', browserGuard({ corsOrigins: options.cors.origins, requireLoopbackHost: options.security?.requireLoopbackHost ?? false }));
  if (options.auth.tokens.length > 0) app.addHook('onRequest', authHook(options.auth.tokens));
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => {
    void sendError(request, reply, 404, 'route_not_found', `No route for ${request.method} ${request.url.split('?')[0]}`);
  });
  app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
  healthRoutes(app, options);
  keyRoutes(app, options);
  commandRoutes(app, options);
  subscribeRoutes(app, options);
  return app;
}

type ValidatorRoute = Parameters<typeof validatorCompiler>[0];
type ValidationResult = ReturnType<ReturnType<typeof validatorCompiler>>;

/**
 * zod validation, with the result for an empty input computed once per schema: a request
 * without a query string parses to the same defaults every time (`{keyEncoding: 'utf8'}`), and
 * zod's parse of them is about 1% of a small GET's CPU. The cached value is frozen, so a handler
 * can never leak a change into the next request. Failures are not cached (Fastify annotates them).
 */
function emptyInputCachingValidator(route: ValidatorRoute): (data: unknown) => ValidationResult {
  const validate = validatorCompiler(route);
  let emptyResult: ValidationResult | undefined;
  return (data) => {
    if (!isEmptyObject(data)) return validate(data);
    if (emptyResult !== undefined) return emptyResult;
    const result = validate(data);
    // zod's compiler answers synchronously with `{ value }` or `{ error }`.
    if (typeof result !== 'object' || 'then' in result || result.error !== undefined) return result;
    emptyResult = Object.freeze({ value: Object.freeze(result.value) });
    return emptyResult;
  };
}

function isEmptyObject(data: unknown): boolean {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return false;
  for (const key in data) if (Object.hasOwn(data, key)) return false;
  return true;
}

async function registerCors(app: FastifyInstance, origins: readonly string[]): Promise<void> {
  await app.register(cors, {
    origin: [...origins],
    // `@upstash/redis` in a browser also sends its sync-token and telemetry headers on every call.
    allowedHeaders: [
      'authorization', 'content-type', 'if-match', 'if-none-match', 'upstash-encoding',
      'upstash-sync-token', 'upstash-telemetry-runtime', 'upstash-telemetry-platform', 'upstash-telemetry-sdk', 'upstash-telemetry-retry',
    ],
    exposedHeaders: ['etag', 'location'],
    methods: ['GET', 'HEAD', 'PUT', 'DELETE', 'POST', 'OPTIONS'],
    maxAge: 600,
  });
}

/** Raw bodies (any non-JSON content type) arrive as Buffers so they stay byte-exact. */
function registerBodyParsers(app: FastifyInstance): void {
  app.removeContentTypeParser(['text/plain']);
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
}

/** Bearer-token check in constant time; health, docs and CORS preflights stay public. */
function authHook(tokens: readonly string[]) {
  const matcher = new TokenMatcher(tokens);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (request.method === 'OPTIONS') return;
    if (request.routeOptions.config.public === true || request.url.startsWith('/docs')) return;
    const header = request.headers.authorization ?? '';
    const presented = header.startsWith('Bearer ') ? header.slice(7) : queryToken(request);
    if (!matcher.matches(Buffer.from(presented, 'utf8'))) {
      reply.header('www-authenticate', 'Bearer realm="larder"');
      await sendError(request, reply, 401, 'unauthorized', 'A valid bearer token is required (Authorization: Bearer <token>).');
    }
  };
}

/** `?_token=` on routes that allow it (event streams: EventSource cannot send headers). */
function queryToken(request: FastifyRequest): string {
  if (request.routeOptions.config.queryToken !== true) return '';
  const token = (request.query as { _token?: unknown })._token;
  return typeof token === 'string' ? token : '';
}

/**
 * URLs the router rejects before any route runs (bad percent-encoding, a path parameter over
 * `maxParamLength`, e.g. a huge key in /keys/:key) answer problem+json like every other error.
 * No route context exists yet, so this writes the problem directly.
 */
function routingError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  const status = tooLong ? 414 : 400;
  const detail = tooLong
    ? 'A path segment is longer than 8192 characters'
    : 'The URL is not valid percent-encoded UTF-8 (address a binary key with ?keyEncoding=base64)';
  const body = problemBody(status, tooLong ? 'uri_too_long' : 'invalid_url', detail, request.url.split('?')[0]);
  void reply.code(status).type('application/problem+json').send(JSON.stringify(body));
}

function sendError(request: FastifyRequest, reply: FastifyReply, status: number, code: string, detail: string): FastifyReply {
  if (request.routeOptions.config?.errorFormat === 'upstash' || request.url.startsWith('/commands')) {
    return reply.code(status).type('application/json').send({ error: status === 401 ? 'Unauthorized' : detail });
  }
  return reply.code(status).type('application/problem+json').send(problemBody(status, code, detail, request.url.split('?')[0]));
}

/** One place turns every failure into problem+json (or `{"error"}` on the Upstash routes). */
function errorHandler(this: FastifyInstance, error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof HttpProblem) return sendError(request, reply, error.status, error.code, error.message);
  if (error instanceof CommandError && error.prefix === 'MISCONF') {
    // Writes refused after a disk error: the log retries on its own, so a retry soon may succeed.
    reply.header('retry-after', WRITES_REFUSED_RETRY_AFTER);
    return sendError(request, reply, 503, 'writes_refused', error.message);
  }
  if (error instanceof CommandError) return sendError(request, reply, statusForCommandError(error), error.prefix, error.message);
  if (hasZodFastifySchemaValidationErrors(error)) {
    const detail = error.validation.map((issue) => `${issue.instancePath || '(body)'} ${issue.message ?? ''}`.trim()).join('; ');
    return sendError(request, reply, 400, 'invalid_request', detail);
  }
  const status = error.statusCode ?? 500;
  if (status < 500) {
    const code = status === 413 ? 'payload_too_large' : (error.code ?? 'bad_request').toLowerCase();
    return sendError(request, reply, status, code, error.message);
  }
  request.log.error({ err: error, reqId: request.id }, 'request failed');
  return sendError(request, reply, 500, 'internal_error', 'Internal server error');
}
