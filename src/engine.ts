import { BlockingRegistry } from './commands/blocking-registry.js';
import { ConnectionRegistry } from './commands/client-registry.js';
import { defineEncodingParameters } from './commands/aggregate-config.js';
import { ParameterRegistry, readOnlyParameter } from './commands/config-registry.js';
import { createDispatcher, type Dispatcher } from './commands/index.js';
import { DEFAULT_MEMORY_LIMIT, installMemoryLimit, type MemoryLimitOptions } from './commands/memory-limit.js';
import { installKeyspaceNotifications, type KeyspaceNotifier } from './commands/notifications.js';
import { PubSubHub } from './commands/pubsub-hub.js';
import { mergeSections, runtimeInfoSections } from './commands/runtime-info.js';
import { TransactionService } from './commands/transactions-watch.js';
import type { ClientSession, CommandSpec, ConfigRegistry, Limits, Persistence, ServerServices } from './commands/types.js';
import { DurabilityPort } from './persistence/durability.js';
import type { Clock } from './store/clock.js';
import { Store } from './store/store.js';

export interface EngineOptions {
  clock: Clock;
  limits: Limits;
  persistence: Persistence;
  databases?: number;
  /** Extra INFO sections supplied by the doors (clients, persistence state …). */
  infoSections?: () => Record<string, Record<string, string | number>>;
  extraCommands?: readonly CommandSpec[];
  /** CONFIG GET / SET parameters; doors and the composition root define theirs on it. */
  config?: ConfigRegistry;
  /**
   * A store built beforehand (its own clock and database count then apply): the composition root
   * needs it first because the snapshot layer, which is the engine's persistence, holds the store.
   */
  store?: Store;
  /** maxmemory, its policy and sampling (CONFIG SET changes them live). */
  memory?: MemoryLimitOptions;
}

export interface Engine {
  store: Store;
  dispatcher: Dispatcher;
  server: ServerServices;
  newSession(door: ClientSession['door'], authenticated: boolean): ClientSession;
  /** Keyspace notifications; eviction reports evicted keys through `notifications.keyEvicted`. */
  notifications: KeyspaceNotifier;
  /** A connection closed: drops its transaction, watches and any blocking wait. */
  endSession(session: ClientSession): void;
  /** Doors hold replies here until the append-only log made their writes durable (`appendfsync always`). */
  durability: DurabilityPort;
}

let nextSessionId = 1;

/** Builds the store and the dispatcher over it; shared by the server and the tests. */
export function createEngine(options: EngineOptions): Engine {
  const store = options.store ?? new Store({ clock: options.clock, databases: options.databases ?? 16 });
  const clients = new ConnectionRegistry();
  const config = options.config ?? new ParameterRegistry();
  config.define(readOnlyParameter('databases', () => String(store.databaseCount)));
  defineEncodingParameters(config);
  let runtimeInfo: () => Record<string, Record<string, string | number>> = () => ({});
  // Both need the dispatcher, which needs the services: they reach it lazily.
  const blocking = new BlockingRegistry(store, () => dispatcher);
  const transactions = new TransactionService(store, () => dispatcher);
  const server: ServerServices = {
    limits: options.limits,
    persistence: options.persistence,
    startedAtMs: Date.now(),
    infoSections: () =>
      mergeSections(runtimeInfo(), { clients: { blocked_clients: blocking.blockedCount } }, options.infoSections?.() ?? {}),
    clients,
    config,
    resetStats: () => {
      dispatcher.resetStats();
      Object.assign(store.stats, { expiredKeys: 0, evictedKeys: 0, keyspaceHits: 0, keyspaceMisses: 0 });
      clients.connectionsReceived = 0;
      clients.rejectedConnections = 0;
    },
    pubsub: new PubSubHub(),
    blocking,
    transactions,
  };
  const dispatcher = createDispatcher(store, server, options.extraCommands);
  dispatcher.onCommandEnd(() => blocking.serveReadyKeys());
  runtimeInfo = runtimeInfoSections(dispatcher, clients, config);
  const notifications = installKeyspaceNotifications(store, dispatcher, config);
  installMemoryLimit(store, dispatcher, notifications, config, options.memory ?? DEFAULT_MEMORY_LIMIT);
  return {
    store,
    dispatcher,
    server,
    notifications,
    durability: new DurabilityPort(),
    newSession: (door, authenticated) => ({
      id: nextSessionId++, door, db: 0, protocol: 2, name: '', authenticated, transaction: undefined,
    }),
    endSession: (session) => {
      blocking.cancel(session.id);
      transactions.forget(session);
    },
  };
}

/** Defaults; the config schema (config/) overrides them. */
// Redis allows 512 MiB strings; V8 caps one string just below that, so the default stays under it.
export const DEFAULT_LIMITS: Limits = { maxKeyBytes: 64 * 1024, maxValueBytes: 512_000_000 };
