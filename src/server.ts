import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { LoadedConfig } from '../config/load.js';
import type { LarderConfig } from '../config/schema.js';
import type { Readiness } from '../routes/context.js';
import { HttpProblem } from '../routes/problem.js';
import { buildApp } from './app.js';
import { createEngine, type Engine } from './engine.js';
import { flushLogs, type Logger } from './logger.js';
import { MemoryOnlyPersistence } from './memory-persistence.js';
import { systemClock, type Clock } from './store/clock.js';

/** Redis's ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE: keep sweeping while more than 10% of a sample was expired. */
const ACCEPTABLE_STALE_RATIO = 0.1;
/** The save policy is checked once a second, as Redis's serverCron does. */
const SNAPSHOT_TICK_MS = 1000;

export interface StartOptions {
  loaded: LoadedConfig;
  log: Logger;
  clock?: Clock;
}

/** A started Larder: where it listens and how to stop it. */
export interface RunningServer {
  httpUrl: string;
  respPort: number | undefined;
  engine: Engine;
  /** Graceful: stop accepting, finish in-flight requests, final snapshot. Safe to call twice. */
  close(): Promise<void>;
}

function engineFor(config: LarderConfig, clock: Clock, persistence: MemoryOnlyPersistence): Engine {
  return createEngine({
    clock,
    databases: config.databases,
    limits: { maxKeyBytes: config.limits.maxKeyBytes, maxValueBytes: config.limits.maxValueBytes },
    persistence,
    infoSections: () => ({ persistence: persistence.infoSection() }),
  });
}

async function listenHttp(app: FastifyInstance, config: LarderConfig): Promise<string> {
  await app.listen({ host: config.http.host, port: config.http.port });
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/** While the snapshot loads, everything but health answers 503 rather than serving a partial keyspace. */
function refuseUntilReady(app: FastifyInstance, readiness: () => Readiness): void {
  app.addHook('onRequest', async (request) => {
    if (readiness().ready || request.url.startsWith('/health/')) return;
    throw new HttpProblem(503, 'not_ready', readiness().detail);
  });
}

function startTimers(config: LarderConfig, engine: Engine, persistence: MemoryOnlyPersistence): () => void {
  const sweep = setInterval(() => {
    engine.store.activeExpireCycle({
      samplesPerRound: config.expiry.samplesPerRound,
      budgetMs: config.expiry.budgetMs,
      acceptableStaleRatio: ACCEPTABLE_STALE_RATIO,
    });
  }, config.expiry.sweepIntervalMs);
  const snapshot = setInterval(() => persistence.tick(), SNAPSHOT_TICK_MS);
  // Timers never keep the process alive on their own; the listeners do.
  sweep.unref();
  snapshot.unref();
  return () => {
    clearInterval(sweep);
    clearInterval(snapshot);
  };
}

/**
 * The composition root: config → clock → engine + persistence → HTTP app → load → timers.
 * Nothing else in Larder reads config or starts listeners.
 */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { config } = options.loaded;
  const log = options.log;
  const persistence = new MemoryOnlyPersistence();
  const engine = engineFor(config, options.clock ?? systemClock, persistence);
  let readiness: Readiness = { ready: false, detail: 'loading the snapshot' };
  const app = await buildApp({
    engine,
    logger: log,
    limits: { maxPipelineCommands: config.limits.maxPipelineCommands },
    readiness: () => readiness,
    http: { bodyLimitBytes: config.http.bodyLimitBytes, requestTimeoutMs: config.http.requestTimeoutMs },
    auth: { tokens: config.auth.tokens },
    cors: { origins: config.cors.origins },
  });
  refuseUntilReady(app, () => readiness);
  const httpUrl = await listenHttp(app, config);
  const loaded = persistence.load();
  log.info({ snapshot: loaded }, 'snapshot loaded');
  const stopTimers = startTimers(config, engine, persistence);
  readiness = { ready: true, detail: 'ready' };
  log.info({ http: httpUrl, resp: null, configFile: options.loaded.configFile ?? null }, 'larder ready');

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    readiness = { ready: false, detail: 'shutting down' };
    stopTimers();
    await app.close();
    persistence.saveNow();
    persistence.close();
    log.info('larder stopped');
  };
  return { httpUrl, respPort: undefined, engine, close: () => (closing ??= close()) };
}

/**
 * SIGTERM / SIGINT close gracefully and exit 0 (1 if the final snapshot failed); a second signal
 * while closing exits at once, for the operator who really means it.
 */
export function closeOnSignals(server: RunningServer, log: Logger, exit: (code: number) => never = process.exit): void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) {
      log.warn({ signal }, 'second signal: exiting without finishing the shutdown');
      exit(1);
    }
    signalled = true;
    log.info({ signal }, 'shutting down: finishing in-flight requests, then a final snapshot');
    server.close().then(
      async () => {
        await flushLogs(log);
        exit(0);
      },
      async (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        await flushLogs(log);
        exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
