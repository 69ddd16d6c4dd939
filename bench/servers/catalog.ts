/**
 * How each server under test is started: Larder the way users start it (the built CLI), and the
 * references (bare Fastify over a Map, Debian's redis-server). Every one listens on loopback on a
 * port picked here, is pinned when asked, and is stopped by PID through `processes.ts`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, stop, type Launched } from '../lib/processes.js';
import { freePort, httpReady, respReady, waitUntil } from '../lib/net.js';

export interface ServerHandle {
  name: string;
  pid: number;
  /** Base URL of the HTTP door, when the server has one. */
  httpUrl?: string;
  /** TCP port of the RESP door, when the server has one. */
  respPort?: number;
  /** Every process that serves a request (webdis + its redis-server): their CPU time is the server's. */
  cpuPids: number[];
  stop(): Promise<void>;
}

export interface StartOptions {
  /** CPU list for `taskset -c`; undefined runs unpinned. */
  cpus?: string;
  /** Directory for `node --cpu-prof` output (Node servers only); undefined disables profiling. */
  cpuProfileDir?: string;
  /** Extra flags for node (Larder), e.g. `--max-old-space-size=8192` for 10 M keys. */
  nodeArgs?: readonly string[];
  /** Extra `--name value` settings for redis-server, e.g. `['--maxmemory', '100mb']`. */
  redisArgs?: readonly string[];
  /** Extra Larder CLI flags after the defaults, e.g. `['--persistence.aof=true']`. */
  larderArgs?: readonly string[];
}

const STARTUP_TIMEOUT_MS = 30_000;
/** Paths below are relative to the repository root, wherever the harness is started from. */
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

function nodeFlags(options: StartOptions): string[] {
  const profile = options.cpuProfileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir];
  return [...(options.nodeArgs ?? []), ...profile];
}

function handle(name: string, launched: Launched, doors: Pick<ServerHandle, 'httpUrl' | 'respPort'>, cleanup = (): void => {}): ServerHandle {
  return {
    name,
    pid: launched.pid,
    cpuPids: [launched.pid],
    ...doors,
    stop: async () => {
      await stop(launched);
      cleanup();
    },
  };
}

/** Fails fast with the server's own stderr if it exits before it is ready. */
async function awaitReady(name: string, launched: Launched, probe: () => Promise<boolean>): Promise<void> {
  let exitedEarly = false;
  void launched.exited.then(() => (exitedEarly = true));
  await waitUntil(async () => {
    if (exitedEarly) throw new Error(`${name} exited during start-up: ${launched.stderr()}`);
    return probe();
  }, STARTUP_TIMEOUT_MS, () => `${name} (pid ${launched.pid}): ${launched.stderr()}`);
  if (exitedEarly) throw new Error(`${name} exited during start-up: ${launched.stderr()}`);
}

/**
 * How Larder is started: the built CLI (`dist/`, what `npm run bench` builds and users run), or,
 * with BENCH_LARDER_SOURCE=1, the TypeScript source through tsx (the harness's own test, so that
 * it needs no build; start-up is slower, serving is the same code).
 */
const LARDER_ENTRY = process.env['BENCH_LARDER_SOURCE'] === '1' ? ['--import', 'tsx', 'src/cli.ts'] : ['dist/src/cli.js'];

/** Larder (see LARDER_ENTRY): auth off, periodic snapshots off, log level warn. */
export async function startLarder(options: StartOptions): Promise<ServerHandle> {
  const [httpPort, respPort] = [await freePort(), await freePort()];
  const dataDir = mkdtempSync(join(tmpdir(), 'larder-bench-'));
  const launched = launch({
    command: process.execPath,
    args: [
      ...nodeFlags(options),
      ...LARDER_ENTRY,
      `--http.port=${httpPort}`,
      `--resp.port=${respPort}`,
      `--data.dir=${dataDir}`,
      '--snapshot.saveRules=',
      '--log.level=warn',
      ...(options.larderArgs ?? []),
    ],
    env: { LARDER_AUTH_TOKENS: '', LARDER_CONFIG: '' },
    cpus: options.cpus,
    cwd: REPO_ROOT,
  });
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  await awaitReady('larder', launched, async () => (await httpReady(`${httpUrl}/health/ready`)) && respReady(respPort));
  return handle('larder', launched, { httpUrl, respPort }, () => rmSync(dataDir, { recursive: true, force: true }));
}

/** The framework limit: Fastify 5 over a Map (`bench/servers/bare-fastify.ts`), run through tsx. */
export async function startBareFastify(options: StartOptions): Promise<ServerHandle> {
  const port = await freePort();
  const launched = launch({
    command: process.execPath,
    args: [...nodeFlags(options), '--import', 'tsx', 'bench/servers/bare-fastify.ts', String(port)],
    cpus: options.cpus,
    cwd: REPO_ROOT,
  });
  const httpUrl = `http://127.0.0.1:${port}`;
  await awaitReady('bare-fastify', launched, () => httpReady(`${httpUrl}/health/ready`));
  return handle('bare-fastify', launched, { httpUrl });
}

/** Debian's redis-server, in memory only (`--save '' --appendonly no`), as the RESP reference. */
export async function startRedis(options: StartOptions): Promise<ServerHandle> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'redis-bench-'));
  const launched = launch({
    command: 'redis-server',
    args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', ...(options.redisArgs ?? [])],
    cpus: options.cpus,
  });
  await awaitReady('redis-server', launched, () => respReady(port));
  return handle('redis-server', launched, { respPort: port }, () => rmSync(dir, { recursive: true, force: true }));
}

/**
 * webdis (Debian's package) in front of its own redis-server: Redis behind an HTTP shim, the
 * other thing users would put where Larder goes. One worker thread, as the server gets one core;
 * its config file is generated (the packaged one daemonizes and logs to /var/log).
 */
export async function startWebdis(options: StartOptions): Promise<ServerHandle> {
  const redis = await startRedis(options);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'webdis-bench-'));
  const configPath = join(dir, 'webdis.json');
  const config = { redis_host: '127.0.0.1', redis_port: redis.respPort, http_host: '127.0.0.1', http_port: port, threads: 1, daemonize: false, verbosity: 0, logfile: join(dir, 'webdis.log') };
  writeFileSync(configPath, JSON.stringify(config));
  const launched = launch({ command: 'webdis', args: [configPath], cpus: options.cpus });
  const httpUrl = `http://127.0.0.1:${port}`;
  try {
    await awaitReady('webdis', launched, () => httpReady(`${httpUrl}/PING`));
  } catch (error) {
    await redis.stop();
    throw error;
  }
  return {
    name: 'webdis',
    pid: launched.pid,
    cpuPids: [launched.pid, redis.pid],
    httpUrl,
    ...(redis.respPort === undefined ? {} : { respPort: redis.respPort }),
    stop: async () => {
      await stop(launched);
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
