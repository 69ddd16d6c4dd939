/**
 * The REST reference: the same framework (Fastify 5) serving the same routes over a plain `Map`,
 * with nothing else — no validation, no zod, no ETags, no auth hook, no engine. Its throughput is
 * the framework limit on this machine, so Larder's ratio against it is the cost of Larder itself.
 *
 * Semantics are the minimum a client of the benchmark notices: PUT answers 201 on create and
 * 200 on replace with a small JSON body; GET answers the JSON envelope, or the raw bytes with their
 * stored content type when the client accepts it; 404 when missing.
 *
 *   node --import tsx bench/servers/bare-fastify.ts <port>
 */
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';

interface StoredValue {
  /** JSON value from an envelope, or the raw body bytes. */
  value: unknown;
  /** Set for raw bodies: the content type they arrived with. */
  contentType?: string;
}

type KeyRequest = FastifyRequest<{ Params: { key: string } }>;

const store = new Map<string, StoredValue>();

function readKey(request: KeyRequest, reply: FastifyReply): unknown {
  const stored = store.get(request.params.key);
  if (stored === undefined) return reply.code(404).send({ error: 'not found' });
  const { contentType } = stored;
  if (contentType !== undefined && request.headers.accept === contentType) {
    return reply.type(contentType).send(stored.value);
  }
  const value = stored.value instanceof Buffer ? stored.value.toString('utf8') : stored.value;
  return { key: request.params.key, value };
}

function writeKey(request: KeyRequest, reply: FastifyReply): unknown {
  const contentType = request.headers['content-type'] ?? 'application/octet-stream';
  const stored: StoredValue = contentType.startsWith('application/json')
    ? { value: (request.body as { value?: unknown } | null)?.value }
    : { value: request.body, contentType };
  const created = !store.has(request.params.key);
  store.set(request.params.key, stored);
  return reply.code(created ? 201 : 200).send({ key: request.params.key, created });
}

async function main(port: number): Promise<void> {
  const app = Fastify({ logger: false, routerOptions: { maxParamLength: 8192 } });
  // Raw bodies stay bytes, as in Larder; JSON keeps Fastify's own parser.
  app.removeContentTypeParser(['text/plain']);
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.get('/health/ready', async () => ({ status: 'ok' }));
  app.get('/keys/:key', readKey);
  app.put('/keys/:key', writeKey);
  await app.listen({ host: '127.0.0.1', port });
  // A clean exit on SIGTERM lets `node --cpu-prof` write its profile.
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

const port = Number(process.argv[2] ?? '0');
if (!Number.isInteger(port) || port < 0) throw new Error(`usage: bare-fastify.ts <port>, got ${process.argv[2]}`);
await main(port);
