import { integerParameter, memoryParameter } from '../commands/config-registry.js';
import type { ConfigRegistry } from '../commands/types.js';
import type { AofRuntime } from './aof-runtime.js';
import type { FsyncPolicy } from './aof-writer.js';

const POLICIES: readonly FsyncPolicy[] = ['always', 'everysec', 'no'];

/**
 * CONFIG GET / SET for the log under Redis's names. `appendonly yes` at run time writes the first
 * base from memory while writes go on (held under `always` until it is durable), as Redis's
 * startAppendOnly does with a rewrite; `appendonly no` flushes, fsyncs and stops the log.
 */
export function defineAofParameters(config: ConfigRegistry, runtime: AofRuntime): void {
  config.define({
    name: 'appendonly',
    get: () => (runtime.enabled ? 'yes' : 'no'),
    set: (value) => {
      const on = yesNo(value);
      if (on) runtime.enable();
      else void runtime.disable();
    },
  });
  config.define({
    name: 'appendfsync',
    get: () => runtime.policy,
    set: (value) => {
      const policy = POLICIES.find((name) => name === value.toLowerCase());
      if (policy === undefined) throw new Error('argument(s) must be one of the following: always, everysec, no');
      runtime.setPolicy(policy);
    },
  });
  config.define(integerParameter('auto-aof-rewrite-percentage', { min: 0, max: 2 ** 31 - 1 }, () => runtime.rewritePercentage, (value) => (runtime.rewritePercentage = value)));
  config.define(memoryParameter('auto-aof-rewrite-min-size', { min: 0, max: Number.MAX_SAFE_INTEGER }, () => runtime.rewriteMinBytes, (bytes) => (runtime.rewriteMinBytes = bytes)));
}

function yesNo(value: string): boolean {
  const text = value.toLowerCase();
  if (text === 'yes') return true;
  if (text === 'no') return false;
  throw new Error("argument must be 'yes' or 'no'");
}

/** INFO persistence fields of the log, with Redis's names; only what is really tracked. */
export function aofInfoSection(runtime: AofRuntime): Record<string, string | number> {
  const appendLog = runtime.log;
  if (appendLog === undefined) {
    return {
      aof_enabled: 0, aof_rewrite_in_progress: 0, aof_rewrite_scheduled: 0, aof_last_rewrite_time_sec: -1,
      aof_current_rewrite_time_sec: -1, aof_last_bgrewrite_status: 'ok', aof_last_write_status: 'ok',
    };
  }
  const rewrite = appendLog.rewriteStatus();
  const { writer } = appendLog;
  return {
    aof_enabled: 1,
    aof_rewrite_in_progress: rewrite.inProgress ? 1 : 0,
    aof_rewrite_scheduled: rewrite.scheduled ? 1 : 0,
    aof_last_rewrite_time_sec: rewrite.lastDurationMs < 0 ? -1 : Math.round(rewrite.lastDurationMs / 1000),
    aof_current_rewrite_time_sec: rewrite.currentDurationMs < 0 ? -1 : Math.round(rewrite.currentDurationMs / 1000),
    aof_last_bgrewrite_status: rewrite.lastOk ? 'ok' : 'err',
    aof_last_write_status: writer.refusing ? 'err' : 'ok',
    aof_current_size: appendLog.currentBytes(),
    aof_base_size: appendLog.baseBytes(),
    aof_pending_bio_fsync: writer.fsyncInProgress ? 1 : 0,
    aof_delayed_fsync: writer.delayedFsyncs,
    // Larder's own: why writes are refused, and the buffered records.
    aof_last_write_error: writer.lastErrorCode ?? '',
    aof_buffer_length: writer.pendingBytes,
  };
}
