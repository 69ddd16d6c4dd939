import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: e2e tests run the real CLI from source, exactly as `npm run dev` does. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI_ARGS = ['--import', 'tsx', 'src/cli.ts'];
const START_TIMEOUT_MS = 20_000;
const EXIT_TIMEOUT_MS = 15_000;

const running = new Set<ChildProcess>();
const tempDirs: string[] = [];

/** The environment a child sees: ours minus every LARDER_ variable, plus the test's own. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('LARDER_')) env[name] = value;
  return { ...env, NO_COLOR: '1', ...extra };
}

export function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'larder-e2e-'));
  tempDirs.push(dir);
  return dir;
}

/** A port that was free a moment ago (the OS picks it; the listener is closed at once). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Finished extends Exit {
  stdout: string;
  stderr: string;
}

function exited(child: ChildProcess, timeoutMs: number): Promise<Exit> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve({ code: child.exitCode, signal: child.signalCode });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`larder (pid ${child.pid}) did not exit within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ code, signal });
    });
  });
}

function spawnLarder(args: readonly string[], env: Record<string, string>, command?: readonly string[]): ChildProcess {
  const [file, ...rest] = command ?? [process.execPath, ...CLI_ARGS, ...args];
  const child = spawn(file ?? process.execPath, rest, { cwd: REPO_ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  return child;
}

function collect(child: ChildProcess): { stdout: () => string; stderr: () => string } {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return { stdout: () => stdout, stderr: () => stderr };
}

/** Runs larder to completion (for --help and refusals); bounded by EXIT_TIMEOUT_MS. */
export async function runLarder(args: readonly string[], env: Record<string, string> = {}, command?: readonly string[]): Promise<Finished> {
  const child = spawnLarder(args, env, command);
  const output = collect(child);
  const exit = await exited(child, EXIT_TIMEOUT_MS);
  return { ...exit, stdout: output.stdout(), stderr: output.stderr() };
}

export interface LarderProcess {
  pid: number;
  httpUrl: string;
  /** The RESP listener's port, when the arguments enabled it (`--resp.port=<n>`). */
  respPort: number | undefined;
  /** Everything written to stdout so far (JSON log lines when piped). */
  stdout(): string;
  stderr(): string;
  /** Sends `signal` and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
}

interface ReadyLine {
  msg?: string;
  http?: string;
  /** `host:port`, or null when the RESP listener is off. */
  resp?: string | null;
}

function readyLine(stdout: string): ReadyLine | undefined {
  for (const line of stdout.split('\n')) {
    if (!line.includes('"larder ready"')) continue;
    return JSON.parse(line) as ReadyLine;
  }
  return undefined;
}

export interface StartOptions {
  /** A command line the CLI runs under, e.g. `['fiu-run', '-x', '--']`: the server is its last exec. */
  wrapper?: readonly string[];
}

/**
 * Starts larder and waits for its "larder ready" log line; data lives in a fresh temp dir unless
 * given. The HTTP port is ephemeral; RESP is off unless `args` carries `--resp.port=<n>`.
 */
export async function startLarder(args: readonly string[] = [], env: Record<string, string> = {}, options: StartOptions = {}): Promise<LarderProcess> {
  // convict reads a repeated flag as an array, so the default goes in only when the test gave none.
  const respDefault = args.some((arg) => arg.startsWith('--resp.port')) ? [] : ['--resp.port', '0'];
  const fullArgs = ['--http.port', '0', ...respDefault, ...args];
  const command = options.wrapper === undefined ? undefined : [...options.wrapper, process.execPath, ...CLI_ARGS, ...fullArgs];
  const child = spawnLarder(fullArgs, env, command);
  const output = collect(child);
  const deadline = Date.now() + START_TIMEOUT_MS;
  let ready = readyLine(output.stdout());
  while (ready?.http === undefined) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`larder did not become ready (exit ${child.exitCode}):\n${output.stdout()}\n${output.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    ready = readyLine(output.stdout());
  }
  const respPort = typeof ready.resp === 'string' ? Number(ready.resp.slice(ready.resp.lastIndexOf(':') + 1)) : undefined;
  return {
    pid: child.pid ?? -1,
    httpUrl: ready.http,
    respPort,
    stdout: output.stdout,
    stderr: output.stderr,
    stop: async (signal = 'SIGTERM') => {
      child.kill(signal);
      return exited(child, EXIT_TIMEOUT_MS);
    },
  };
}

/** afterAll: kill whatever a failed test left running (by PID) and remove temp dirs. */
export function cleanUp(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** One command through POST /commands (the Upstash protocol), answering `result`. */
export async function command(httpUrl: string, ...argv: string[]): Promise<unknown> {
  const response = await fetch(`${httpUrl}/commands`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(argv),
  });
  const body = (await response.json()) as { result?: unknown; error?: string };
  if (body.error !== undefined) throw new Error(`${argv[0]} failed: ${body.error}`);
  return body.result;
}
