import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { Engine } from '../engine.js';
import { TokenMatcher } from '../tokens.js';
import { Errors } from '../errors.js';
import { RespConnection, type ConnectionDeps, type RespLog } from './connection.js';
import { encodeError } from './encoder.js';
import { defineRespParameters, MAX_ARGUMENT_BYTES, type RespLimits } from './limits.js';

export interface RespOptions {
  host: string;
  port: number;
  /** Same tokens as the HTTP door; empty means no authentication. */
  tokens: readonly string[];
  maxClients: number;
  idleTimeoutSeconds: number;
  protoMaxBulkLenBytes: number;
  queryBufferLimitBytes: number;
  outputBufferLimitBytes: number;
  log?: RespLog;
}

export interface RespServer {
  /** Starts listening; resolves with the bound port (useful with port 0). */
  listen(): Promise<number>;
  /** Stops accepting, lets written replies flush, closes every connection. */
  close(): Promise<void>;
  clientCount(): number;
}

/** How long close() waits for clients to take their last replies before cutting them off. */
const CLOSE_GRACE_MS = 5000;

/** AUTH for the `default` user; passwords arrive as latin1 byte strings. */
function credentialsFor(tokens: readonly string[]): ConnectionDeps['credentials'] {
  const matcher = new TokenMatcher(tokens);
  return {
    required: matcher.configured,
    check(username, password) {
      if (!matcher.configured) return username === 'default' ? 'unconfigured' : 'wrong';
      const matched = matcher.matches(Buffer.from(password, 'latin1'));
      return matched && username === 'default' ? 'ok' : 'wrong';
    },
  };
}

/** The RESP door: a TCP listener whose connections parse, dispatch and render — nothing more. */
export function createRespServer(engine: Engine, options: RespOptions): RespServer {
  const log: RespLog = options.log ?? (() => {});
  const limits: RespLimits = {
    maxClients: options.maxClients,
    idleTimeoutSeconds: options.idleTimeoutSeconds,
    maxBulkBytes: Math.min(options.protoMaxBulkLenBytes, MAX_ARGUMENT_BYTES),
    queryBufferLimitBytes: options.queryBufferLimitBytes,
    outputBufferLimitBytes: options.outputBufferLimitBytes,
  };
  const deps: ConnectionDeps = { engine, limits, credentials: credentialsFor(options.tokens), log };
  const connections = new Set<RespConnection>();
  const registry = engine.server.clients;
  const server = createServer({ noDelay: true });
  let boundPort = options.port;

  defineRespParameters(engine.server.config, limits, { host: options.host, port: () => boundPort }, () => {
    for (const connection of connections) connection.applyIdleTimeout();
  });

  server.on('connection', (socket: Socket) => {
    if (connections.size >= limits.maxClients) {
      registry.rejectedConnections++;
      socket.on('error', () => socket.destroy());
      socket.end(encodeError(Errors.maxClients().message), 'latin1');
      return;
    }
    registry.connectionsReceived++;
    const connection = new RespConnection(socket, deps);
    connections.add(connection);
    registry.add(connection);
    socket.once('close', () => {
      connections.delete(connection);
      registry.remove(connection.session.id);
    });
  });

  return {
    listen: () =>
      new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, options.host, () => {
          server.off('error', reject);
          boundPort = (server.address() as AddressInfo).port;
          log('info', 'RESP listener ready', { host: options.host, port: boundPort });
          resolve(boundPort);
        });
      }),
    close: () => closeServer(server, connections),
    clientCount: () => connections.size,
  };
}

async function closeServer(server: ReturnType<typeof createServer>, connections: Set<RespConnection>): Promise<void> {
  const closed = new Promise<void>((resolve) => {
    if (!server.listening) resolve();
    else server.close(() => resolve());
  });
  for (const connection of connections) connection.closeAfterFlush();
  // A client that never reads would hold close() forever: give it a grace period, then cut it.
  const deadline = setTimeout(() => {
    for (const connection of connections) connection.terminate();
  }, CLOSE_GRACE_MS);
  deadline.unref();
  await closed;
  clearTimeout(deadline);
}
