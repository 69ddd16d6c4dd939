import type { ClientRegistry, ConnectedClient } from './types.js';

/** Live connections by id, plus the connection counters INFO stats reports. */
export class ConnectionRegistry implements ClientRegistry {
  private readonly byId = new Map<number, ConnectedClient>();
  connectionsReceived = 0;
  rejectedConnections = 0;

  add(client: ConnectedClient): void {
    this.byId.set(client.session.id, client);
  }

  remove(id: number): void {
    this.byId.delete(id);
  }

  get(id: number): ConnectedClient | undefined {
    return this.byId.get(id);
  }

  all(): IterableIterator<ConnectedClient> {
    return this.byId.values();
  }

  get size(): number {
    return this.byId.size;
  }
}

/**
 * Samples the total command count to report `instantaneous_ops_per_sec` without a timer: each
 * reading compares against the sample taken at least a second earlier (Redis averages 16
 * samples taken every 100 ms; a monitor polling INFO once a second sees the same figure).
 */
export class OpsRate {
  private samples: Array<{ atMs: number; total: number }> = [];

  perSecond(nowMs: number, total: number): number {
    this.samples.push({ atMs: nowMs, total });
    while (this.samples.length > 2 && nowMs - this.samples[1]!.atMs >= 1000) this.samples.shift();
    const oldest = this.samples[0]!;
    const elapsedMs = nowMs - oldest.atMs;
    return elapsedMs <= 0 ? 0 : Math.round(((total - oldest.total) * 1000) / elapsedMs);
  }
}
