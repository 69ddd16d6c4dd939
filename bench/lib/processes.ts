/**
 * Every process the harness starts goes through here, so every one is stopped by its PID:
 * on normal completion, on an error, on Ctrl-C and on SIGTERM. Nothing is ever killed by name.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

export interface LaunchSpec {
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** CPU list for `taskset -c` (e.g. "0"); undefined runs unpinned. */
  cpus?: string;
  cwd?: string;
  /** Pipe stdout for the caller to read (load generators); servers' stdout is discarded. */
  captureStdout?: boolean;
}

export interface Launched {
  pid: number;
  child: ChildProcess;
  /** Everything the process wrote to stderr so far (for error messages). */
  stderr(): string;
  /** Resolves with the exit code (or the signal name) once the process is gone. */
  exited: Promise<number | string>;
}

const running = new Map<number, ChildProcess>();

/** Starts a process (through `taskset -c`, which execs it, so the PID is the process's own). */
export function launch(spec: LaunchSpec): Launched {
  const [command, args] = spec.cpus === undefined ? [spec.command, spec.args] : ['taskset', ['-c', spec.cpus, spec.command, ...spec.args]];
  const child = spawn(command, args, { env: { ...process.env, ...spec.env }, cwd: spec.cwd, stdio: ['ignore', spec.captureStdout === true ? 'pipe' : 'ignore', 'pipe'] });
  if (child.pid === undefined) throw new Error(`could not start ${spec.command}`);
  const pid = child.pid;
  running.set(pid, child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    // Keep the tail only: enough to explain a failure, bounded however chatty the process is.
    stderr = (stderr + chunk.toString('utf8')).slice(-8192);
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(pid);
      resolve(code ?? signal ?? 'unknown');
    });
  });
  return { pid, child, stderr: () => stderr, exited };
}

/** Collects a short-lived process's stdout and waits for it (load generators). */
export async function runToCompletion(spec: LaunchSpec, timeoutMs: number): Promise<string> {
  const launched = launch({ ...spec, captureStdout: true });
  let stdout = '';
  launched.child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  const timer = setTimeout(() => launched.child.kill('SIGKILL'), timeoutMs);
  const status = await launched.exited;
  clearTimeout(timer);
  if (status !== 0) {
    throw new Error(`${spec.command} ${spec.args.join(' ')} ended with ${status}: ${launched.stderr() || stdout}`);
  }
  return stdout;
}

/** SIGTERM (graceful: lets servers flush profiles), then SIGKILL after `graceMs`. */
export async function stop(launched: Launched, graceMs = 5000): Promise<void> {
  if (!running.has(launched.pid)) return;
  launched.child.kill('SIGTERM');
  const timer = setTimeout(() => launched.child.kill('SIGKILL'), graceMs);
  await launched.exited;
  clearTimeout(timer);
}

/** Last resort on exit: whatever is still running gets SIGKILL, by PID. */
function killAllSync(): void {
  for (const [pid, child] of running) {
    try {
      child.kill('SIGKILL');
    } catch {
      // Already gone between the check and the kill.
    }
    running.delete(pid);
  }
}

/** Installs the exit/signal traps once; a signal stops the children, then exits 130/143. */
export function installExitTraps(): void {
  process.once('exit', killAllSync);
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping ${running.size} process(es)\n`);
      killAllSync();
      process.exit(code);
    });
  }
}

/** Clock ticks per second for /proc/<pid>/stat (USER_HZ; 100 on every Linux we run on). */
const TICKS_PER_S = 100;

/** Parses utime + stime (fields 14 and 15) of a /proc/<pid>/stat line into CPU seconds. */
export function parseProcStatCpuSeconds(statLine: string): number {
  // The command name (field 2) is in parentheses and may contain spaces: split after it.
  const fields = statLine.slice(statLine.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so field N is fields[N - 3].
  const userTicks = Number(fields[11]);
  const systemTicks = Number(fields[12]);
  if (!Number.isFinite(userTicks) || !Number.isFinite(systemTicks)) throw new Error(`unreadable /proc stat line: ${statLine}`);
  return (userTicks + systemTicks) / TICKS_PER_S;
}

/** Parses the first field of /proc/<pid>/task/<tid>/schedstat: nanoseconds spent on a CPU. */
export function parseSchedstatCpuSeconds(schedstatLine: string): number {
  const onCpuNs = Number(schedstatLine.split(' ')[0]);
  if (!Number.isFinite(onCpuNs)) throw new Error(`unreadable schedstat line: ${schedstatLine}`);
  return onCpuNs / 1e9;
}

const HAS_SCHEDSTAT = existsSync('/proc/self/schedstat');

/**
 * CPU seconds the process has used so far, all threads. Summed from each thread's schedstat
 * (nanoseconds) rather than /proc/<pid>/stat (10 ms ticks): a pipelined run may cost the server
 * only a few ticks. Falls back to stat where schedstat is missing (kernels without schedstats).
 */
export function cpuSeconds(pid: number): number {
  if (!HAS_SCHEDSTAT) return parseProcStatCpuSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  let totalS = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      totalS += parseSchedstatCpuSeconds(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8'));
    } catch {
      // The thread exited between the listing and the read; its time is lost (rare: servers keep their threads).
    }
  }
  return totalS;
}

/** Parses `VmRSS:   123456 kB` out of /proc/<pid>/status into bytes. */
export function parseStatusRssBytes(status: string): number {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (match === null) throw new Error('no VmRSS line in /proc status');
  return Number(match[1]) * 1024;
}

/** Resident set size of a process, read the same way for every server. */
export function rssBytes(pid: number): number {
  return parseStatusRssBytes(readFileSync(`/proc/${pid}/status`, 'utf8'));
}
