import type { CommandGate } from '../commands/dispatcher.js';
import { Errors, type CommandError } from '../errors.js';
import { strerror } from './log-fs.js';

/** What decides whether writes are refused: the log's state and the last snapshot's outcome. */
export interface WriteRefusalSources {
  /** The append-only log's writer, when the log is on. */
  log(): { readonly refusing: boolean; readonly lastErrorCode: string | undefined } | undefined;
  /** Redis's stop-writes-on-bgsave-error: refuse while the last save failed and save rules exist. */
  snapshotRefusing(): boolean;
}

/**
 * Redis's MISCONF rule (processCommand / writeCommandsDeniedByDiskError): after a disk error,
 * commands that may change the data set are refused on every door — and PING too, so that a
 * monitoring check notices — while reads go on. The snapshot's refusal is checked first, as in Redis.
 */
export function writeRefusalGate(sources: WriteRefusalSources): CommandGate {
  return (intent) => {
    if (!intent.writes && intent.spec.name !== 'ping') return undefined;
    return writeRefusal(sources);
  };
}

export function writeRefusal(sources: WriteRefusalSources): CommandError | undefined {
  if (sources.snapshotRefusing()) return Errors.snapshotWriteError();
  const log = sources.log();
  if (log !== undefined && log.refusing) return Errors.aofWriteError(strerror(log.lastErrorCode));
  return undefined;
}
