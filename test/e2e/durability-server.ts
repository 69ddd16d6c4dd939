import { freePort, startLarder, type LarderProcess, type StartOptions } from './larder-process.js';

export type AppendFsync = 'always' | 'everysec' | 'no';

export interface DurableLarder extends LarderProcess {
  respPort: number;
}

export interface DurableOptions extends StartOptions {
  /** More CLI flags, after the durability ones (e.g. a small rewrite threshold). */
  extraArgs?: readonly string[];
}

/**
 * Larder with the append-only log on, its data in `dataDir`, RESP on a free loopback port and
 * periodic snapshots off (the log alone must carry every write). A port taken between the probe
 * and the bind is the only failure retried: it says nothing about recovery.
 */
export async function startDurableLarder(dataDir: string, appendfsync: AppendFsync, options: DurableOptions = {}): Promise<DurableLarder> {
  for (let attempt = 1; ; attempt++) {
    const respPort = await freePort();
    const args = [
      `--data.dir=${dataDir}`, `--resp.port=${respPort}`, '--snapshot.saveRules=', '--log.level=info',
      '--persistence.aof=true', `--persistence.appendfsync=${appendfsync}`, ...(options.extraArgs ?? []),
    ];
    try {
      const larder = await startLarder(args, {}, options);
      return { ...larder, respPort };
    } catch (error) {
      if (attempt >= 3 || !String(error).includes('EADDRINUSE')) throw error;
    }
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A uniformly random whole number of milliseconds in [minMs, maxMs]. */
export function randomMs(minMs: number, maxMs: number): number {
  return minMs + Math.floor(Math.random() * (maxMs - minMs + 1));
}
