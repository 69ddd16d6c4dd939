import { EventEmitter } from 'node:events';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadConfig, type Setting } from '../../config/load.js';
import { MapReply } from '../../src/commands/reply.js';
import { createLogger, flushLogs } from '../../src/logger.js';
import { closeOnSignals, startServer, StartupError, type RunningServer } from '../../src/server.js';
import { cleanUp, tempDataDir } from './larder-process.js';

afterAll(cleanUp);

/** A logger whose JSON lines land in an array. */
function capturingLogger(): { log: ReturnType<typeof createLogger>; lines: () => Array<{ msg: string }> } {
  const raw: string[] = [];
  const log = createLogger({ level: 'info', pretty: false, destination: { write: (line: string) => void raw.push(line) } });
  return { log, lines: () => raw.map((line) => JSON.parse(line) as { msg: string }) };
}

async function start(dataDir: string, settings: Record<string, string> = {}): Promise<RunningServer> {
  const pairs: Setting[] = Object.entries({ 'http.port': '0', 'resp.port': '0', 'data.dir': dataDir, ...settings }).map(([path, value]) => ({ path, value }));
  return startServer({ loaded: loadConfig({ env: {}, settings: pairs }), log: capturingLogger().log });
}

function run(server: RunningServer, ...argv: string[]): unknown {
  return server.engine.dispatcher.dispatch(argv, server.engine.newSession('internal', true));
}

describe('startServer (composition root, in process)', () => {
  it('wires config into the engine, the HTTP door and CONFIG GET', async () => {
    const dataDir = tempDataDir();
    const server = await start(dataDir, { databases: '4', 'snapshot.fileName': 'custom.snap', 'snapshot.saveRules': '900 1' });
    try {
      expect(server.respPort).toBeUndefined();
      expect(server.engine.store.databaseCount).toBe(4);
      expect(await (await fetch(`${server.httpUrl}/health/ready`)).json()).toEqual({ status: 'ok', detail: 'snapshot loaded' });
      expect(server.engine.server.config.get(['dbfilename', 'save', 'dir'])).toEqual([
        ['dbfilename', 'custom.snap'],
        ['save', '900 1'],
        ['dir', dataDir],
      ]);
    } finally {
      await server.close();
    }
    expect(existsSync(join(dataDir, 'custom.snap'))).toBe(true);
  });

  it('CONFIG SET save changes the live save rules; appendonly reports no', async () => {
    const server = await start(tempDataDir(), { 'snapshot.saveRules': '900 1' });
    try {
      expect(run(server, 'CONFIG', 'SET', 'save', '')).toEqual(expect.objectContaining({ value: 'OK' }));
      expect(run(server, 'CONFIG', 'GET', 'save')).toEqual(new MapReply([['save', '']]));
      run(server, 'CONFIG', 'SET', 'save', '60 5 10 100');
      expect(run(server, 'CONFIG', 'GET', 'save')).toEqual(new MapReply([['save', '60 5 10 100']]));
      expect(String(run(server, 'CONFIG', 'SET', 'save', '60'))).toMatch(/^CommandError: ERR CONFIG SET failed \(possibly related to argument 'save'\)/);
      expect(run(server, 'CONFIG', 'GET', 'save')).toEqual(new MapReply([['save', '60 5 10 100']]));
      expect(run(server, 'CONFIG', 'GET', 'appendonly')).toEqual(new MapReply([['appendonly', 'no']]));
    } finally {
      await server.close();
    }
  });

  it('runs the active expiry sweep on its timer: expired keys go without being looked up', async () => {
    const server = await start(tempDataDir(), { 'expiry.sweepIntervalMs': '10' });
    try {
      run(server, 'SET', 'short-lived', 'v', 'PX', '30');
      run(server, 'SET', 'kept', 'v');
      await vi.waitFor(() => expect(server.engine.store.stats.expiredKeys).toBe(1), { timeout: 3000, interval: 20 });
      expect(server.engine.store.db(0).size).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('takes a background snapshot when a save rule is due', async () => {
    const dataDir = tempDataDir();
    const server = await start(dataDir, { 'snapshot.saveRules': '1 1' });
    try {
      run(server, 'SET', 'k', 'v');
      await vi.waitFor(() => expect(existsSync(join(dataDir, 'larder.snapshot'))).toBe(true), { timeout: 5000, interval: 100 });
    } finally {
      await server.close();
    }
  });

  it('close() is idempotent and the process-level shutdown happens once', async () => {
    const server = await start(tempDataDir());
    const first = server.close();
    expect(server.close()).toBe(first);
    await first;
  });

  it('refuses a corrupt snapshot with a StartupError that names the file and the way out', async () => {
    const dataDir = tempDataDir();
    writeFileSync(join(dataDir, 'larder.snapshot'), 'LARDSNAP but not really a snapshot');
    const failure = start(dataDir);
    await expect(failure).rejects.toBeInstanceOf(StartupError);
    await expect(failure).rejects.toThrow(/larder\.snapshot[\s\S]*snapshot\.onCorrupt=move-aside/);
  });
});

describe('closeOnSignals', () => {
  function fakeProcess(): { hooks: EventEmitter & { exit: (code: number) => void }; exits: number[] } {
    const exits: number[] = [];
    const hooks = Object.assign(new EventEmitter(), { exit: (code: number) => void exits.push(code) });
    return { hooks, exits };
  }

  it('SIGTERM closes gracefully, then exits 0', async () => {
    const server = await start(tempDataDir());
    const { log } = capturingLogger();
    const { hooks, exits } = fakeProcess();
    closeOnSignals(server, log, hooks);
    hooks.emit('SIGTERM', 'SIGTERM');
    await vi.waitFor(() => expect(exits).toEqual([0]), { timeout: 5000 });
    await expect(fetch(`${server.httpUrl}/health/live`)).rejects.toThrow();
  });

  it('a second signal while closing exits 1 at once; a failed close exits 1', async () => {
    let release: () => void = () => {};
    const stuck = { close: () => new Promise<void>((resolve) => (release = resolve)) } as unknown as RunningServer;
    const { log, lines } = capturingLogger();
    const { hooks, exits } = fakeProcess();
    closeOnSignals(stuck, log, hooks);
    hooks.emit('SIGINT', 'SIGINT');
    hooks.emit('SIGTERM', 'SIGTERM');
    await vi.waitFor(() => expect(exits).toEqual([1]));
    expect(lines().map((line) => line.msg)).toContain('second signal: exiting without finishing the shutdown');
    release();

    const failing = { close: () => Promise.reject(new Error('disk full')) } as unknown as RunningServer;
    const other = fakeProcess();
    closeOnSignals(failing, log, other.hooks);
    other.hooks.emit('SIGTERM', 'SIGTERM');
    await vi.waitFor(() => expect(other.exits).toEqual([1]));
    await flushLogs(log);
  });
});
