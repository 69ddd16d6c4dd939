import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { HealthSchema } from '../schemas/health.js';
import type { RouteDeps } from './context.js';

export function healthRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.get('/health/live', {
    config: { public: true },
    schema: {
      tags: ['health'],
      summary: 'Liveness: the process is up and serving HTTP.',
      description: 'Answers 200 whenever the process serves HTTP, even while the snapshot is still loading. No token needed.',
      security: [],
      response: { 200: HealthSchema },
    },
    handler: async () => ({ status: 'ok' as const, detail: 'alive' }),
  });
  typed.get('/health/ready', {
    config: { public: true },
    schema: {
      tags: ['health'],
      summary: 'Readiness: the data is loaded and the server accepts writes.',
      description:
        'Answers 200 once the snapshot or append-only log is loaded (the server listens only then). Answers 503 while writes are refused after a disk error ' +
        '(Redis `MISCONF`; `detail` quotes it) — reads still work, but a load balancer should send writes elsewhere — and while shutting down. No token needed.',
      security: [],
      response: {
        200: HealthSchema,
        503: { description: 'Not ready: writes refused after a disk error, or shutting down (`detail` says which).', content: { 'application/json': { schema: HealthSchema } } },
      },
    },
    handler: async (_request, reply) => {
      const { ready, detail } = deps.readiness();
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ok' : 'unavailable', detail });
    },
  });
}
