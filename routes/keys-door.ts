import type { Reply } from '../src/commands/reply.js';
import type { Limits } from '../src/commands/types.js';
import type { DurabilityPort } from '../src/persistence/durability.js';
import type { RouteDeps } from './context.js';

/**
 * What the key routes need from the engine: one internal session on database 0 and the size
 * limits. Built once at registration, so a request allocates no session and no closure.
 */
export interface KeyDoor {
  dispatch(argv: string[]): Reply;
  readonly limits: Limits;
  /** Writes answer once durable under `appendfsync always` (routes/durable-reply.ts). */
  readonly durability: DurabilityPort;
}

export function keyDoor(deps: RouteDeps): KeyDoor {
  const { dispatcher } = deps.engine;
  // `internal` is the only door the dispatcher lets run the larder.* commands.
  const session = deps.engine.newSession('internal', true);
  return {
    dispatch: (argv) => dispatcher.dispatch(argv, session),
    limits: deps.engine.server.limits,
    durability: deps.engine.durability,
  };
}

export interface KeyRequestParts {
  params: { key: string };
  query: { keyEncoding: 'utf8' | 'base64' };
}

/** The path a key is addressed by, for `Location` headers. */
export function keyLocation(request: KeyRequestParts): string {
  const path = `/keys/${encodeURIComponent(request.params.key)}`;
  return request.query.keyEncoding === 'base64' ? `${path}?keyEncoding=base64` : path;
}
