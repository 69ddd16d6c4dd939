import { loadConfig, type Setting } from '../../config/load.js';
import { createLogger } from '../../src/logger.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { freePort, tempDataDir } from '../e2e/larder-process.js';
import { SimulatedDisk } from '../support/simulated-disk.js';

/** A whole Larder in this process (both doors), its append-only log on a simulated disk. */
export interface DoorServer {
  server: RunningServer;
  disk: SimulatedDisk;
  /** Messages the server logged. */
  logs: string[];
  respPort: number;
}

/**
 * Starts Larder through `startServer` (the composition root, so the doors, the write gate and
 * readiness are the real ones) with `appendfsync always` and the log on a SimulatedDisk given
 * through the `logFs` test seam: the tests pause fsyncs to see who waits, and inject ENOSPC.
 */
export async function startDoorServer(settings: Record<string, string> = {}): Promise<DoorServer> {
  const disk = new SimulatedDisk();
  const logs: string[] = [];
  const log = createLogger({ level: 'info', pretty: false, destination: { write: (line: string) => void logs.push((JSON.parse(line) as { msg: string }).msg) } });
  const values = { 'http.port': '0', 'resp.port': String(await freePort()), 'data.dir': tempDataDir(), 'persistence.aof': 'true', 'persistence.appendfsync': 'always', ...settings };
  const pairs: Setting[] = Object.entries(values).map(([path, value]) => ({ path, value }));
  const server = await startServer({ loaded: loadConfig({ env: {}, settings: pairs }), log, logFs: disk.process() });
  return { server, disk, logs, respPort: server.respPort! };
}

/** Waits (real time) until `condition` holds; fails after 3 s. */
export async function eventually(condition: () => boolean | Promise<boolean>, what = 'condition'): Promise<void> {
  for (let waitedMs = 0; !(await condition()); waitedMs += 10) {
    if (waitedMs > 3000) throw new Error(`${what} not reached within 3 s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Whether `promise` settled within a few event-loop turns and 20 ms (a held reply stays unsettled). */
export async function settledSoon(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setTimeout(resolve, 20));
  return done;
}
