import { createDispatcher, type Dispatcher } from './commands/index.js';
import type { ClientSession, CommandSpec, Limits, Persistence, ServerServices } from './commands/types.js';
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
}

export interface Engine {
  store: Store;
  dispatcher: Dispatcher;
  server: ServerServices;
  newSession(door: ClientSession['door'], authenticated: boolean): ClientSession;
}

let nextSessionId = 1;

/** Builds the store and the dispatcher over it; shared by the server and the tests. */
export function createEngine(options: EngineOptions): Engine {
  const store = new Store({ clock: options.clock, databases: options.databases ?? 16 });
  const server: ServerServices = {
    limits: options.limits,
    persistence: options.persistence,
    startedAtMs: Date.now(),
    infoSections: options.infoSections ?? (() => ({})),
  };
  const dispatcher = createDispatcher(store, server, options.extraCommands);
  return {
    store,
    dispatcher,
    server,
    newSession: (door, authenticated) => ({ id: nextSessionId++, door, db: 0, protocol: 2, name: '', authenticated }),
  };
}

/** Defaults; the config schema (config/) overrides them. */
// Redis allows 512 MiB strings; V8 caps one string just below that, so the default stays under it.
export const DEFAULT_LIMITS: Limits = { maxKeyBytes: 64 * 1024, maxValueBytes: 512_000_000 };
