/** What the append-only log tells the doors about durability (implemented by `AofWriter`). */
export interface DurabilitySource {
  /** Records sealed so far. */
  readonly sealed: number;
  /** A promise for every record sealed so far being durable, if one after `sinceRecords` is not yet. */
  durable(sinceRecords: number): Promise<void> | undefined;
}

/**
 * How a door holds replies until the writes they acknowledge are durable (`appendfsync always`).
 * A door notes `sealedRecords` before a batch of commands and, right after it, asks
 * `durable(mark)`: undefined means send now (no log, another policy, or the batch wrote
 * nothing — reads never wait on other clients' writes); a promise means send once it settles.
 * It never rejects: while the disk fails, replies stay held until the log recovers.
 */
export class DurabilityPort {
  private source: DurabilitySource | undefined;

  attach(source: DurabilitySource | undefined): void {
    this.source = source;
  }

  get sealedRecords(): number {
    return this.source === undefined ? 0 : this.source.sealed;
  }

  durable(sinceRecords: number): Promise<void> | undefined {
    return this.source === undefined ? undefined : this.source.durable(sinceRecords);
  }
}
