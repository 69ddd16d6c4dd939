import { RespConnection, RespError, type RespValue } from './durability-resp.js';

/**
 * Every write the durability tests sent, and which of them the server acknowledged. Unique keys
 * are written once each (value derived from the key, so a wrong value is garbage, not a race);
 * counters are INCRed by many clients at once, so for them only bounds are known: at least the
 * highest value a reply reported, at most the number of INCRs ever sent.
 */
export interface KeyWrite {
  value: string;
  /** When the acknowledgement arrived (Date.now()); undefined while unacknowledged. */
  ackedAtMs: number | undefined;
}

interface CounterState {
  /** Highest value any INCR reply reported (or the value a restart found). */
  ackedMax: number;
  /** The value the counter would have if every INCR sent had been applied. */
  issued: number;
}

export interface Audit {
  /** Acknowledged keys that did not come back. */
  lostKeys: Array<{ key: string; ackedAtMs: number }>;
  /** Keys that came back with a value nobody wrote. */
  wrongValues: string[];
  /** Counters below the highest value a reply acknowledged: acknowledged increments lost. */
  counterLosses: string[];
  /** Counters above the number of INCRs ever sent: increments nobody made. */
  counterExcess: string[];
  /** Keys present that the ledger cannot account for (DBSIZE minus the keys found). */
  unexpectedKeys: number;
  /** Keys (unique + counters) found. */
  presentKeys: number;
  /** Writes sent but never acknowledged that nevertheless came back (allowed). */
  unacknowledgedButPresent: number;
}

const MGET_BATCH = 500;

export function valueFor(key: string): string {
  // ~64 bytes: long enough that a torn value is visible, short enough to keep the log small.
  return `${key}|${'v'.repeat(Math.max(0, 63 - key.length))}`;
}

export class WriteLedger {
  readonly keys = new Map<string, KeyWrite>();
  private readonly counters = new Map<string, CounterState>();

  constructor(counterNames: readonly string[]) {
    for (const name of counterNames) this.counters.set(name, { ackedMax: 0, issued: 0 });
  }

  get counterNames(): string[] {
    return [...this.counters.keys()];
  }

  keyIssued(key: string): KeyWrite {
    const write: KeyWrite = { value: valueFor(key), ackedAtMs: undefined };
    this.keys.set(key, write);
    return write;
  }

  counterIssued(name: string): void {
    this.state(name).issued += 1;
  }

  counterAcknowledged(name: string, value: number): void {
    const state = this.state(name);
    state.ackedMax = Math.max(state.ackedMax, value);
  }

  acknowledgedCount(): number {
    let count = 0;
    for (const write of this.keys.values()) if (write.ackedAtMs !== undefined) count += 1;
    return count;
  }

  /**
   * Reads everything back from a (restarted) server and compares it with what was acknowledged.
   * Then the server's state becomes the ledger's truth: what came back is on disk, so it counts as
   * acknowledged from now on (the next crash must not take it away); what did not come back is
   * reported if it was acknowledged and forgotten either way.
   */
  async reconcile(respPort: number): Promise<Audit> {
    const connection = await RespConnection.open(respPort);
    try {
      const audit: Audit = { lostKeys: [], wrongValues: [], counterLosses: [], counterExcess: [], unexpectedKeys: 0, presentKeys: 0, unacknowledgedButPresent: 0 };
      const keyNames = [...this.keys.keys()];
      const found = await mget(connection, keyNames);
      keyNames.forEach((key, index) => this.auditKey(audit, key, found[index] ?? null));
      const counterValues = await mget(connection, this.counterNames);
      this.counterNames.forEach((name, index) => this.auditCounter(audit, name, counterValues[index] ?? null));
      const dbSize = await connection.call('DBSIZE');
      if (typeof dbSize !== 'number') throw new Error(`DBSIZE answered ${JSON.stringify(dbSize)}`);
      audit.unexpectedKeys = dbSize - audit.presentKeys;
      return audit;
    } finally {
      connection.close();
    }
  }

  private auditKey(audit: Audit, key: string, value: RespValue): void {
    const write = this.keys.get(key);
    if (write === undefined) return;
    if (value === null) {
      // Reported once: from here on the server's state is the truth the next crash is judged by.
      if (write.ackedAtMs !== undefined) audit.lostKeys.push({ key, ackedAtMs: write.ackedAtMs });
      this.keys.delete(key);
      return;
    }
    audit.presentKeys += 1;
    if (value !== write.value) audit.wrongValues.push(`${key} = ${JSON.stringify(value).slice(0, 80)}`);
    if (write.ackedAtMs === undefined) {
      audit.unacknowledgedButPresent += 1;
      write.ackedAtMs = Date.now();
    }
  }

  private auditCounter(audit: Audit, name: string, value: RespValue): void {
    const state = this.state(name);
    const found = value === null ? 0 : Number(value);
    if (value !== null) audit.presentKeys += 1;
    const text = `${name} = ${JSON.stringify(value)}, acknowledged ${state.ackedMax}, sent ${state.issued}`;
    if (!Number.isInteger(found) || found > state.issued) audit.counterExcess.push(text);
    else if (found < state.ackedMax) audit.counterLosses.push(text);
    // What came back is durable: the next crash must not take it away again.
    if (Number.isInteger(found)) this.counters.set(name, { ackedMax: found, issued: found });
  }

  private state(name: string): CounterState {
    const state = this.counters.get(name);
    if (state === undefined) throw new Error(`unknown counter ${name}`);
    return state;
  }
}

async function mget(connection: RespConnection, keys: readonly string[]): Promise<RespValue[]> {
  const values: RespValue[] = [];
  for (let start = 0; start < keys.length; start += MGET_BATCH) {
    const reply = await connection.call('MGET', ...keys.slice(start, start + MGET_BATCH));
    if (!Array.isArray(reply)) throw new Error(`MGET answered ${reply instanceof RespError ? reply.message : JSON.stringify(reply)}`);
    values.push(...reply);
  }
  return values;
}
