import type { Engine } from '../src/engine.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without a token (health, docs). */
    public?: boolean;
    /** Errors as `{"error": …}` (the Upstash protocol) instead of problem+json. */
    errorFormat?: 'upstash';
    /** Also accepts the token as `?_token=` (event streams: a browser EventSource cannot send headers). */
    queryToken?: boolean;
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
  /** HTTP event streams (SSE); defaults apply when absent. */
  pubsub?: {
    /** Unsent bytes after which a stream that stopped reading is disconnected. */
    sseMaxBufferedBytes: number;
    /** Interval of keep-alive comment lines. */
    sseKeepAliveMs: number;
  };
}
