import type { Engine } from '../src/engine.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without a token (health, docs). */
    public?: boolean;
    /** Errors as `{"error": …}` (the Upstash protocol) instead of problem+json. */
    errorFormat?: 'upstash';
  }
}

export interface Readiness {
  ready: boolean;
  detail: string;
}

/** What every route module receives from the composition root. */
export interface RouteDeps {
  engine: Engine;
  limits: {
    /** Longest pipeline or transaction accepted by /commands/pipeline and /commands/multi-exec. */
    maxPipelineCommands: number;
  };
  readiness: () => Readiness;
}
