import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { LoadedConfig } from '../config/load.js';
import type { LarderConfig } from '../config/schema.js';
import type { Readiness } from '../routes/context.js';
import { buildApp } from './app.js';
import { parseSaveRules } from '../config/formats.js';
import { readOnlyParameter } from './commands/config-registry.js';
import type { Persistence } from './commands/types.js';
import { createEngine, type Engine } from './engine.js';
import { startExpirySweep } from './expiry-sweep.js';
import { flushLogs, type Logger } from './logger.js';
import { aofInfoSection, defineAofParameters } from './persistence/aof-admin.js';
import { AofCorruptError } from './persistence/aof-reader.js';
import { AofRuntime, aofDirectory } from './persistence/aof-runtime.js';
import { nodeAofReadFs, type AofReadFs } from './persistence/aof-fs.js';
import { nodeLogFs, type LogFs } from './persistence/log-fs.js';
import { writeRefusal } from './persistence/write-gate.js';
import { createRespServer, type RespServer } from './resp/listener.js';
import { systemClock, type Clock } from './store/clock.js';
import { SnapshotCorruptError, SnapshotPersistence, SnapshotVersionError } from './store/snapshot.js';
import { Store } from './store/store.js';

/** Redis's ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE: keep sweeping while more than 10% of a sample was expired. */
const ACCEPTABLE_STALE_RATIO = 0.1;
/** The save policy is checked once a second, as Redis's serverCron does. */
const SNAPSHOT_TICK_MS = 1000;

export interface StartOptions {
  loaded: LoadedConfig;
  log: Logger;
  clock?: Clock;
  /**
   * Test seam: the append-only log's file system (default node:fs). The door tests stand the
   * simulated disk (test/support/simulated-disk.ts) behind it to make fsync slow or fail.
   */
  logFs?: LogFs & AofReadFs;
}

/** A started Larder: where it listens and how to stop it. */
export interface RunningServer {
  httpUrl: string;
  respPort: number | undefined;
  engine: Engine;
  /** Graceful: stop accepting, finish in-flight requests, final snapshot. Safe to call twice. */
  close(): Promise<void>;
}

/** Start-up cannot continue; the message says what to do, so the CLI prints it without a stack. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/** Adapts pino to the `(level, message, fields)` callbacks the store and RESP layers take (they import no logger). */
function logCallback(log: Logger): (level: 'info' | 'warn' | 'error', message: string, fields?: object) => void {
  return (level, message, fields) => log[level](fields ?? {}, message);
}

interface Built {
  engine: Engine;
  snapshot: SnapshotPersistence;
  aof: AofRuntime;
}

/** Store → snapshot persistence → engine → append-only log: the persistence layers hold the store they save. */
function buildEngine(loaded: LoadedConfig, log: Logger, clock: Clock, logFs: (LogFs & AofReadFs) | undefined): Built {
  const { config } = loaded;
  const store = new Store({ clock, databases: config.databases });
  const snapshot = new SnapshotPersistence(store, {
    dataDir: config.data.dir,
    fileName: config.snapshot.fileName,
    saveRules: loaded.saveRules,
    onCorrupt: config.snapshot.onCorrupt,
    log: logCallback(log),
  });
  // The log needs the engine and the engine's persistence reaches the log: tied through a slot.
  const slot: { aof?: AofRuntime } = {};
  const persistence: Persistence = {
    saveNow: () => snapshot.saveNow(),
    saveInBackground: () => snapshot.saveInBackground(),
    lastSaveUnixSeconds: () => snapshot.lastSaveUnixSeconds(),
    rewriteLog: () => slot.aof!.rewrite(),
  };
  const engine = createEngine({
    clock,
    store,
    limits: { maxKeyBytes: config.limits.maxKeyBytes, maxValueBytes: config.limits.maxValueBytes },
    persistence,
    infoSections: () => ({ persistence: { ...snapshot.infoSection(), ...aofInfoSection(slot.aof!) } }),
    memory: {
      maxBytes: config.memory.maxBytes,
      policy: config.memory.policy,
      samples: config.memory.samples,
    },
  });
  const aof = buildAof(loaded, log, engine, snapshot, logFs);
  slot.aof = aof;
  // CONFIG GET answers with what this process really uses; changing them needs a restart.
  engine.server.config.define(readOnlyParameter('dir', () => config.data.dir));
  engine.server.config.define(readOnlyParameter('dbfilename', () => config.snapshot.fileName));
  engine.server.config.define({
    name: 'save',
    get: () => snapshot.saveRules.map((rule) => `${rule.afterSeconds} ${rule.minChanges}`).join(' '),
    set: (value) => {
      snapshot.saveRules = parseSaveRules(value);
    },
  });
  defineAofParameters(engine.server.config, aof);
  return { engine, snapshot, aof };
}

function buildAof(loaded: LoadedConfig, log: Logger, engine: Engine, snapshot: SnapshotPersistence, logFs: (LogFs & AofReadFs) | undefined): AofRuntime {
  const { config } = loaded;
  const settings = config.persistence;
  return new AofRuntime({
    engine,
    dir: aofDirectory(config.data.dir, settings.aofDirName),
    fs: logFs ?? nodeLogFs,
    readFs: logFs ?? nodeAofReadFs,
    policy: settings.appendfsync,
    rewritePercentage: settings.aofRewritePercentage,
    rewriteMinBytes: settings.aofRewriteMinBytes,
    onTruncatedTail: settings.aofLoadTruncated,
    log: logCallback(log),
    // Redis's stop-writes-on-bgsave-error: only while save rules exist and the last save failed.
    snapshotRefusing: () => settings.stopWritesOnSnapshotError && snapshot.saveRules.length > 0 && !snapshot.status().lastSaveOk,
  });
}

/** With the log on it is loaded (or created from the snapshot); otherwise the snapshot is. */
async function loadData(built: Built, config: LarderConfig): Promise<string> {
  if (!config.persistence.aof) {
    loadSnapshot(built.snapshot);
    return 'snapshot loaded';
  }
  try {
    const result = await built.aof.start(() => loadSnapshot(built.snapshot));
    return result.source === 'aof' ? 'append-only log loaded' : 'append-only log created';
  } catch (error) {
    if (error instanceof AofCorruptError) {
      throw new StartupError(`${error.message}\nRun \`larder check --fix <file>\` to cut a damaged log back to its last valid record, or move the directory aside.`);
    }
    throw error;
  }
}

function loadSnapshot(snapshot: SnapshotPersistence): void {
  try {
    // SnapshotPersistence logs the outcome (file, keys loaded, expired keys dropped) itself.
    snapshot.load();
  } catch (error) {
    if (error instanceof SnapshotCorruptError) {
      throw new StartupError(`${error.message}\nTo start with an empty store and keep the bad file beside it, set snapshot.onCorrupt=move-aside (LARDER_SNAPSHOT_ON_CORRUPT=move-aside or --snapshot.onCorrupt move-aside).`);
    }
    if (error instanceof SnapshotVersionError) throw new StartupError(error.message);
    throw error;
  }
}

async function listenHttp(app: FastifyInstance, config: LarderConfig): Promise<string> {
  await app.listen({ host: config.http.host, port: config.http.port });
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/** The RESP door, unless `resp.port` is 0; resolves with the bound port. */
async function startResp(engine: Engine, config: LarderConfig, log: Logger): Promise<{ resp: RespServer; port: number } | undefined> {
  if (config.resp.port === 0) return undefined;
  const resp = createRespServer(engine, {
    host: config.resp.host,
    port: config.resp.port,
    tokens: config.auth.tokens,
    maxClients: config.resp.maxClients,
    idleTimeoutSeconds: config.resp.idleTimeoutSeconds,
    protoMaxBulkLenBytes: config.resp.protoMaxBulkLenBytes,
    queryBufferLimitBytes: config.resp.queryBufferLimitBytes,
    outputBufferLimitBytes: config.resp.outputBufferLimitBytes,
    log: logCallback(log),
  });
  return { resp, port: await resp.listen() };
}

function startTimers(config: LarderConfig, engine: Engine, snapshot: SnapshotPersistence, aof: AofRuntime): () => void {
  const stopSweep = startExpirySweep(engine.store, {
    intervalMs: config.expiry.sweepIntervalMs,
    samplesPerRound: config.expiry.samplesPerRound,
    budgetMs: config.expiry.budgetMs,
    acceptableStaleRatio: ACCEPTABLE_STALE_RATIO,
  });
  const saveRules = setInterval(() => {
    snapshot.tick();
    aof.tick();
  }, SNAPSHOT_TICK_MS);
  // Timers never keep the process alive on their own; the listeners do.
  saveRules.unref();
  return () => {
    stopSweep();
    clearInterval(saveRules);
  };
}

/**
 * The composition root: config → clock → store + snapshot → engine → load → HTTP app + RESP → timers.
 * The snapshot loads before anything listens, so no client ever sees a partial keyspace.
 */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { config } = options.loaded;
  const log = options.log;
  const built = buildEngine(options.loaded, log, options.clock ?? systemClock, options.logFs);
  const { engine, snapshot, aof } = built;
  const loadedDetail = await loadData(built, config);
  let closingDown = false;
  // Not ready while writes are refused after a disk error: a balancer should send writes elsewhere.
  const readiness = (): Readiness => {
    if (closingDown) return { ready: false, detail: 'shutting down' };
    const refusal = writeRefusal({ log: () => aof.log?.writer, snapshotRefusing: () => config.persistence.stopWritesOnSnapshotError && snapshot.saveRules.length > 0 && !snapshot.status().lastSaveOk });
    return refusal === undefined ? { ready: true, detail: loadedDetail } : { ready: false, detail: `writes refused: ${refusal.message}` };
  };
  const app = await buildApp({
    engine,
    logger: log,
    limits: { maxPipelineCommands: config.limits.maxPipelineCommands },
    readiness,
    pubsub: { sseMaxBufferedBytes: config.pubsub.sseMaxBufferedBytes, sseKeepAliveMs: config.pubsub.sseKeepAliveSeconds * 1000 },
    http: { bodyLimitBytes: config.http.bodyLimitBytes, requestTimeoutMs: config.http.requestTimeoutMs },
    auth: { tokens: config.auth.tokens },
    cors: { origins: config.cors.origins },
    // Without a token Larder only listens on loopback (protected mode); a foreign Host header then
    // means DNS rebinding. With allowUnprotected the operator has chosen other protection.
    security: { requireLoopbackHost: config.auth.tokens.length === 0 && !config.security.allowUnprotected },
  });
  const httpUrl = await listenHttp(app, config);
  const resp = await startResp(engine, config, log).catch(async (error: unknown) => {
    await app.close();
    throw error;
  });
  const stopTimers = startTimers(config, engine, snapshot, aof);
  const respAddress = resp === undefined ? null : `${config.resp.host}:${resp.port}`;
  log.info({ http: httpUrl, resp: respAddress, configFile: options.loaded.configFile ?? null }, 'larder ready');

  const close = async (): Promise<void> => {
    closingDown = true;
    stopTimers();
    // Both doors stop accepting and finish what they started before the final snapshot.
    await Promise.all([closeHttp(app, HTTP_CLOSE_GRACE_MS), resp?.resp.close()]);
    // The log first: what is pending is written and fsynced (a rewrite in flight finishes).
    await aof.close();
    // Waits for a background save in flight, then writes the final one with every write in it.
    await snapshot.close();
    snapshot.saveNow();
    log.info('larder stopped');
  };
  let closing: Promise<void> | undefined;
  return { httpUrl, respPort: resp?.port, engine, close: () => (closing ??= close()) };
}

/** Where signals come from and how the process ends; the process itself unless a test says otherwise. */
export interface ProcessHooks {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  exit(code: number): void;
}

/** In-flight HTTP requests get this long to finish at shutdown (well inside Docker's 30 s). */
const HTTP_CLOSE_GRACE_MS = 10_000;

/**
 * Fastify's close waits for every open connection; one a client holds open without a request in
 * flight (a browser's spare keep-alive socket) would stall shutdown. After `graceMs` whatever is
 * still open is cut.
 */
export async function closeHttp(app: FastifyInstance, graceMs: number): Promise<void> {
  const force = setTimeout(() => app.server.closeAllConnections(), graceMs);
  try {
    await app.close();
  } finally {
    clearTimeout(force);
  }
}

/**
 * SIGTERM / SIGINT close gracefully and exit 0 (1 if the final snapshot failed); a second signal
 * while closing exits at once, for the operator who really means it.
 */
export function closeOnSignals(server: RunningServer, log: Logger, hooks: ProcessHooks = process): void {
  let signalled = false;
  const finish = async (code: number): Promise<void> => {
    await flushLogs(log);
    hooks.exit(code);
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) {
      log.warn({ signal }, 'second signal: exiting without finishing the shutdown');
      void finish(1);
      return;
    }
    signalled = true;
    log.info({ signal }, 'shutting down: finishing in-flight requests, then a final snapshot');
    server.close().then(
      () => finish(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        return finish(1);
      },
    );
  };
  hooks.on('SIGTERM', onSignal);
  hooks.on('SIGINT', onSignal);
}
