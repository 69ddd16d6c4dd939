/**
 * `GET|POST /commands/subscribe/:channel` and `GET|POST /commands/psubscribe/:pattern`: pub/sub
 * over HTTP as Server-Sent Events, in the Upstash protocol's format. GET is for a browser
 * `EventSource` (which can only GET and cannot send headers, hence `?_token=`); POST with
 * `Accept: text/event-stream` is what `@upstash/redis`'s `redis.subscribe()` sends.
 *
 * Each request is one subscriber in the shared hub, so RESP clients, `/commands` PUBLISH and
 * keyspace notifications all reach it. The route hands the socket over to `EventStream` (Fastify's
 * `hijack`): the reply is a stream that lasts until the client leaves, not one serialized body.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { OutgoingHttpHeaders } from 'node:http';
import { ChannelParamsSchema, EventStreamResponse, PatternParamsSchema, StreamQuerySchema } from '../schemas/subscribe.js';
import { upstashErrorResponses } from '../schemas/responses.js';
import type { RouteDeps } from './context.js';
import { EventStream, type EventStreamOptions } from './subscribe-stream.js';

const DEFAULTS = { sseMaxBufferedBytes: 4 * 1024 * 1024, sseKeepAliveMs: 15_000 };

/** The request line as logged, without the token a URL may carry. */
function loggedRequest(request: FastifyRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: request.url.replace(/([?&]_token=)[^&]*/g, '$1[redacted]'),
    remoteAddress: request.ip,
  };
}

export function subscribeRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const { sseMaxBufferedBytes, sseKeepAliveMs } = deps.pubsub ?? DEFAULTS;
  const streams = new Set<EventStream>();
  // Open streams would hold app.close() forever: end them first, and the connections go idle.
  app.addHook('preClose', (done) => {
    for (const stream of streams) stream.end();
    done();
  });

  const open = (kind: 'subscribe' | 'psubscribe', name: string, request: FastifyRequest, reply: FastifyReply): void => {
    const options: EventStreamOptions = {
      maxBufferedBytes: sseMaxBufferedBytes,
      keepAliveMs: sseKeepAliveMs,
      onDropped: (reason, bufferedBytes) =>
        request.log.warn({ reason, bufferedBytes, limitBytes: sseMaxBufferedBytes }, 'closing event stream that stopped reading'),
    };
    reply.hijack();
    reply.raw.writeHead(200, streamHeaders(reply));
    request.raw.socket.setNoDelay(true);
    const stream = new EventStream(deps.engine.newSession('http', true).id, reply.raw, deps.engine.server.pubsub, options);
    streams.add(stream);
    reply.raw.once('close', () => streams.delete(stream));
    // Path parameters arrive as UTF-8 text; channel names are bytes everywhere inside.
    stream.start(kind, Buffer.from(name, 'utf8').toString('latin1'));
  };

  for (const method of ['GET', 'POST'] as const) {
    typed.route({
      method,
      url: '/commands/subscribe/:channel',
      config: { errorFormat: 'upstash', queryToken: true },
      logSerializers: { req: loggedRequest },
      schema: {
        tags: ['commands'],
        summary: method === 'GET' ? 'Listen to a channel as Server-Sent Events (EventSource).' : 'Listen to a channel as Server-Sent Events (@upstash/redis).',
        description: 'SUBSCRIBE over HTTP, in the Upstash format. The stream opens with `data: subscribe,<channel>,1` and then carries every message published to the channel from any door.',
        params: ChannelParamsSchema,
        querystring: StreamQuerySchema,
        response: { 200: EventStreamResponse, ...upstashErrorResponses(400, 401) },
      },
      handler: (request, reply) => open('subscribe', request.params.channel, request, reply),
    });
    typed.route({
      method,
      url: '/commands/psubscribe/:pattern',
      config: { errorFormat: 'upstash', queryToken: true },
      logSerializers: { req: loggedRequest },
      schema: {
        tags: ['commands'],
        summary: method === 'GET' ? 'Listen to channels matching a pattern as Server-Sent Events (EventSource).' : 'Listen to channels matching a pattern as Server-Sent Events (@upstash/redis).',
        description: 'PSUBSCRIBE over HTTP, in the Upstash format: `data: psubscribe,<pattern>,1`, then `data: pmessage,<pattern>,<channel>,<message>` for each matching PUBLISH.',
        params: PatternParamsSchema,
        querystring: StreamQuerySchema,
        response: { 200: EventStreamResponse, ...upstashErrorResponses(400, 401) },
      },
      handler: (request, reply) => open('psubscribe', request.params.pattern, request, reply),
    });
  }
}

/** Headers already set on the reply (CORS) plus the event-stream ones. */
function streamHeaders(reply: FastifyReply): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) headers[name] = value;
  return {
    ...headers,
    'content-type': 'text/event-stream; charset=utf-8',
    // no-transform and X-Accel-Buffering: compressing or buffering proxies would hold events back.
    'cache-control': 'no-cache, no-transform',
    'x-accel-buffering': 'no',
  };
}
