import type { DurabilityPort } from '../src/persistence/durability.js';

/**
 * `Retry-After` (seconds) on a 503 for writes refused after a disk error: the append-only log
 * retries a failed write every ~200 ms and recovers on its own once the disk does.
 */
export const WRITES_REFUSED_RETRY_AFTER = '1';

/**
 * Runs `send` once the writes of records sealed after `mark` are durable (`appendfsync always`:
 * an acknowledgement never leaves before the fsync that covers it), or at once when nothing
 * waits. The route notes `mark = durability.sealedRecords` before it dispatches.
 */
export function sendWhenDurable(durability: DurabilityPort, mark: number, send: () => void): void {
  const wait = durability.durable(mark);
  if (wait === undefined) send();
  else void wait.then(send);
}
