import { OpsRate } from './client-registry.js';
import type { Dispatcher } from './dispatcher.js';
import type { ClientRegistry, ConfigRegistry } from './types.js';

type Sections = Record<string, Record<string, string | number>>;

/**
 * INFO fields that come from the doors and the dispatcher rather than the store: the clients
 * section, the connection and command counters of stats, and commandstats.
 */
export function runtimeInfoSections(dispatcher: Dispatcher, clients: ClientRegistry, config: ConfigRegistry): () => Sections {
  const ops = new OpsRate();
  return () => {
    const maxclients = config.get(['maxclients'])[0]?.[1] ?? '0';
    let maxInputBytes = 0;
    let maxOutputBytes = 0;
    for (const client of clients.all()) {
      maxInputBytes = Math.max(maxInputBytes, client.queryBufferBytes());
      maxOutputBytes = Math.max(maxOutputBytes, client.outputBufferBytes());
    }
    const commandstats: Record<string, string> = {};
    for (const [name, stats] of dispatcher.commandStats()) {
      const calls = stats.calls;
      commandstats[`cmdstat_${name}`] = `calls=${calls},usec=0,usec_per_call=0.00,rejected_calls=0,failed_calls=${stats.failedCalls}`;
    }
    return {
      clients: {
        connected_clients: clients.size,
        cluster_connections: 0,
        maxclients,
        client_recent_max_input_buffer: maxInputBytes,
        client_recent_max_output_buffer: maxOutputBytes,
        blocked_clients: 0,
        tracking_clients: 0,
        clients_in_timeout_table: 0,
      },
      stats: {
        total_connections_received: clients.connectionsReceived,
        total_commands_processed: dispatcher.totalCommands,
        instantaneous_ops_per_sec: ops.perSecond(Date.now(), dispatcher.totalCommands),
        rejected_connections: clients.rejectedConnections,
        total_error_replies: dispatcher.rejectedCalls + sumFailed(dispatcher),
      },
      commandstats,
    };
  };
}

function sumFailed(dispatcher: Dispatcher): number {
  let failed = 0;
  for (const stats of dispatcher.commandStats().values()) failed += stats.failedCalls;
  return failed;
}

/** Merges section maps field by field; later sources win on a shared field. */
export function mergeSections(...sources: Sections[]): Sections {
  const merged: Sections = {};
  for (const source of sources) {
    for (const [name, fields] of Object.entries(source)) merged[name] = { ...(merged[name] ?? {}), ...fields };
  }
  return merged;
}
