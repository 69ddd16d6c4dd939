/**
 * Plumbing for bench/snapshot.ts: Larder and redis-server started on a data directory that
 * survives a restart, a RESP mass-insert file both load through `redis-cli --pipe`, start-up timed
 * to the first PONG, and a probe that measures reply gaps while a background save runs.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { launch, runToCompletion, stop, type Launched } from './processes.js';
import { freePort, respCommand, respReady } from './net.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const STARTUP_TIMEOUT_MS = 120_000;

export type ServerKind = 'larder' | 'redis';

export interface SnapshotServer {
  kind: ServerKind;
  port: number;
  launched: Launched;
  /** Milliseconds from spawn to the first PONG (includes process start and the snapshot load). */
  readyAfterMs: number;
  /** Every stdout line so far (Larder's JSON log, Redis's log). */
  output(): string;
}

/** Starts a server on `dataDir` (loading whatever snapshot is there), pinned to `cpus` if given. */
export async function startServer(kind: ServerKind, dataDir: string, cpus: string | undefined): Promise<SnapshotServer> {
  const port = await freePort();
  mkdirSync(dataDir, { recursive: true });
  const startedMs = performance.now();
  const launched = launch({ ...launchSpec(kind, port, dataDir), cpus, captureStdout: true, cwd: REPO_ROOT });
  let output = '';
  // Drained always: a full pipe would block the server's logging, and with it the server.
  launched.child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-65_536)));
  await firstPong(port, launched);
  return { kind, port, launched, readyAfterMs: performance.now() - startedMs, output: () => output };
}

function launchSpec(kind: ServerKind, port: number, dataDir: string): { command: string; args: string[]; env?: NodeJS.ProcessEnv } {
  if (kind === 'redis') {
    // Redis's defaults otherwise (rdbcompression and rdbchecksum on): what its users run.
    return { command: 'redis-server', args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dataDir, '--daemonize', 'no'] };
  }
  const args = ['dist/src/cli.js', '--http.port=0', `--resp.port=${port}`, `--data.dir=${dataDir}`, '--snapshot.saveRules=', '--log.level=info'];
  return { command: process.execPath, args, env: { LARDER_AUTH_TOKENS: '', LARDER_CONFIG: '' } };
}

/** Polls every 5 ms (not the harness's 50) so start-up times resolve to a few ms. */
async function firstPong(port: number, launched: Launched): Promise<void> {
  const deadlineMs = performance.now() + STARTUP_TIMEOUT_MS;
  let exited = false;
  void launched.exited.then(() => (exited = true));
  while (performance.now() < deadlineMs) {
    if (exited) throw new Error(`server exited during start-up: ${launched.stderr()}`);
    if (await respReady(port)) return;
    await sleep(5);
  }
  throw new Error(`no PONG within ${STARTUP_TIMEOUT_MS} ms: ${launched.stderr()}`);
}

/** The load time each server logs itself: Larder's `durationMs`, Redis's "DB loaded from disk: N seconds". */
export function loggedLoadMs(server: SnapshotServer): number | undefined {
  const text = server.output();
  if (server.kind === 'redis') {
    const match = /DB loaded from disk: ([\d.]+) seconds/.exec(text);
    return match === null ? undefined : Number(match[1]) * 1000;
  }
  const line = text.split('\n').find((candidate) => candidate.includes('"snapshot loaded"'));
  return line === undefined ? undefined : (JSON.parse(line) as { durationMs: number }).durationMs;
}

/**
 * The part of the last BGSAVE that held the server itself: Larder's longest capture slice (its
 * log), Redis's fork (`latest_fork_usec`). Scheduling and GC can add to either; the probe sees all.
 */
export async function bgsaveBlockingMs(server: SnapshotServer): Promise<number> {
  if (server.kind === 'redis') {
    const stats = await respCommand(server.port, ['INFO', 'stats']);
    return Number(/latest_fork_usec:(\d+)/.exec(stats)?.[1]) / 1000;
  }
  await sleep(50); // the log line is written just after INFO reports the save done
  const lines = server.output().split('\n').filter((line) => line.includes('"background save done"'));
  return (JSON.parse(lines.at(-1)!) as { longestSliceMs: number }).longestSliceMs;
}

export async function stopServer(server: SnapshotServer, kill = false): Promise<void> {
  if (kill) server.launched.child.kill('SIGKILL');
  await stop(server.launched);
}

/**
 * Writes `keys` SET commands (`key:<n>` → `valueBytes` pseudo-random printable bytes, so neither
 * side gains from compression) as a RESP stream for `redis-cli --pipe`.
 */
export async function writeMassInsertFile(path: string, keys: number, valueBytes: number): Promise<void> {
  const out = createWriteStream(path);
  let seed = 12345;
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let batch = '';
  for (let i = 0; i < keys; i++) {
    // An LCG's low bits repeat with a short period (and would compress): take bits 16–21.
    let value = '';
    for (let j = 0; j < valueBytes; j++) {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      value += alphabet[(seed >>> 16) & 63];
    }
    const key = `key:${i}`;
    batch += `*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$${valueBytes}\r\n${value}\r\n`;
    if (batch.length > 1 << 20) {
      if (!out.write(batch)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      batch = '';
    }
  }
  await new Promise<void>((resolve, reject) => out.end(batch, () => resolve()).once('error', reject));
}

export async function massInsert(server: SnapshotServer, file: string): Promise<void> {
  await runToCompletion({ command: 'bash', args: ['-c', `redis-cli -p ${server.port} --pipe < "${file}"`] }, 600_000);
}

/** Time of one command as the client sees it (SAVE blocks both servers until the file is durable). */
export async function timedCommandMs(port: number, argv: readonly string[]): Promise<number> {
  const startedMs = performance.now();
  const reply = await respCommandPatient(port, argv);
  if (!reply.startsWith('+')) throw new Error(`${argv.join(' ')} answered ${reply}`);
  return performance.now() - startedMs;
}

/** respCommand with no 2 s limit (SAVE of a million keys takes longer). */
async function respCommandPatient(port: number, argv: readonly string[]): Promise<string> {
  const frame = `*${argv.length}\r\n${argv.map((arg) => `$${arg.length}\r\n${arg}\r\n`).join('')}`;
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => socket.write(frame, 'latin1'));
    socket.once('data', (data) => {
      socket.end();
      resolve(data.toString('latin1'));
    });
    socket.once('error', reject);
  });
}

export interface StallFigures {
  /** Longest gap between sending a GET and its reply while the background save ran. */
  maxMs: number;
  p99Ms: number;
  probes: number;
  bgsaveMs: number;
}

/**
 * Keeps one GET in flight at a time (each sent the moment the previous reply arrives) from the
 * start of BGSAVE until INFO says it finished; the gaps are how long the server left a ready
 * request unanswered, which bounds its longest event-loop stall from above.
 */
export async function stallDuringBgsave(port: number): Promise<StallFigures> {
  const gapsMs: number[] = [];
  const socket = createConnection({ host: '127.0.0.1', port });
  await new Promise((resolve) => socket.once('connect', resolve));
  let running = true;
  const probe = pingPong(socket, gapsMs, () => running);
  const startedMs = performance.now();
  const reply = await respCommand(port, ['BGSAVE']);
  if (!reply.startsWith('+')) throw new Error(`BGSAVE answered ${reply}`);
  while ((await respCommand(port, ['INFO', 'persistence'])).includes('rdb_bgsave_in_progress:1')) await sleep(10);
  const bgsaveMs = performance.now() - startedMs;
  running = false;
  await probe;
  socket.end();
  const sorted = [...gapsMs].sort((a, b) => a - b);
  return { maxMs: sorted.at(-1) ?? 0, p99Ms: sorted[Math.floor(sorted.length * 0.99)] ?? 0, probes: sorted.length, bgsaveMs };
}

async function pingPong(socket: Socket, gapsMs: number[], keepGoing: () => boolean): Promise<void> {
  const frame = '*2\r\n$3\r\nGET\r\n$5\r\nkey:1\r\n';
  while (keepGoing()) {
    const sentMs = performance.now();
    await new Promise<void>((resolve) => {
      socket.once('data', () => resolve());
      socket.write(frame);
    });
    gapsMs.push(performance.now() - sentMs);
  }
}
