import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * libfiu (Debian's fiu-utils) injects failures into libc calls of an unmodified process:
 * `fiu-run -x` preloads fiu's POSIX wrappers, `fiu-ctrl` switches failure points on and off in the
 * running process through a pair of named pipes (`<prefix>-<pid>.in/.out`). `failinfo` is the
 * errno the failing call sets.
 *
 * Which calls can fail without breaking Node itself:
 * - `fdatasync(2)` / `fsync(2)`: only files call them, so the points are enabled for the whole process.
 * - `write(2)`: libuv wakes its event loop by write(2) to an eventfd, and a failure there aborts
 *   the process (verified: `enable name=posix/io/rw/write` kills Node at once). So the point is
 *   scoped with `enable_stack_by_name` to calls made under `uv_fs_write` — synchronous fs writes,
 *   where the log appends (fs.writeSync). Sockets (uv_write) and pino's asynchronous stdout
 *   writes (on the thread pool, where no exported function is on the stack) are untouched.
 */
const run = promisify(execFile);

export const ERRNO = { ENOSPC: 28, EIO: 5 } as const;
export type FaultErrno = keyof typeof ERRNO;

export const STRERROR: Record<FaultErrno, string> = { ENOSPC: 'No space left on device', EIO: 'Input/output error' };

export interface FiuFault {
  label: string;
  errno: FaultErrno;
  enable: string[];
  disable: string[];
}

export function writeFault(errno: FaultErrno): FiuFault {
  return {
    label: `write fails with ${errno}`,
    errno,
    enable: [`enable_stack_by_name name=posix/io/rw/write,failinfo=${ERRNO[errno]},func_name=uv_fs_write`],
    disable: ['disable name=posix/io/rw/write'],
  };
}

export function fsyncFault(errno: FaultErrno): FiuFault {
  const points = ['posix/io/sync/fdatasync', 'posix/io/sync/fsync'];
  return {
    label: `fdatasync and fsync fail with ${errno}`,
    errno,
    enable: points.map((point) => `enable name=${point},failinfo=${ERRNO[errno]}`),
    disable: points.map((point) => `disable name=${point}`),
  };
}

/** A private directory for the control pipes, so parallel tests never share a prefix. */
export function fiuPrefix(): { prefix: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'larder-fiu-'));
  return { prefix: join(dir, 'ctrl'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The command line a server runs under to accept fiu-ctrl commands (no failure enabled yet). */
export function fiuWrapper(prefix: string): string[] {
  return ['fiu-run', '-x', '-f', prefix];
}

/** Sends commands to a process started under fiuWrapper; fiu-ctrl exits 0 even on errors, so its output is read. */
export async function fiuControl(prefix: string, pid: number, commands: readonly string[]): Promise<void> {
  const { stdout, stderr } = await run('fiu-ctrl', ['-f', prefix, ...commands.flatMap((command) => ['-c', command]), String(pid)], { timeout: 10_000 });
  const output = `${stdout}${stderr}`;
  if (/error/i.test(output)) throw new Error(`fiu-ctrl ${commands.join('; ')}: ${output.trim()}`);
}

/**
 * Proves, outside Larder, that fiu reaches the calls Node makes through libuv: a tiny Node script
 * under fiu-run does fs.writeSync and fs.fdatasync on a temp file with both points enabled and
 * reports the error codes it got. Answers undefined when both failed as injected, else why not.
 */
export async function probeFiu(): Promise<string | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'larder-fiu-probe-'));
  const script = `
    const fs = require('node:fs');
    const fd = fs.openSync(${JSON.stringify(join(dir, 'file'))}, 'w');
    const code = (call) => { try { call(); return 'ok'; } catch (error) { return error.code; } };
    const write = code(() => fs.writeSync(fd, Buffer.from('abc')));
    fs.fdatasync(fd, (error) => process.stdout.write(JSON.stringify({ write, fdatasync: error ? error.code : 'ok' })));`;
  const enable = [...writeFault('ENOSPC').enable, ...fsyncFault('EIO').enable];
  try {
    const { stdout } = await run('fiu-run', ['-x', '-f', '', ...enable.flatMap((command) => ['-c', command]), process.execPath, '-e', script], { timeout: 20_000 });
    const codes = JSON.parse(stdout) as { write: string; fdatasync: string };
    if (codes.write === 'ENOSPC' && codes.fdatasync === 'EIO') return undefined;
    return `fiu-run ran, but Node's calls were not failed as injected (got ${stdout}): LD_PRELOAD may be ignored or libuv may bypass libc (io_uring)`;
  } catch (error) {
    return `fiu-run could not run a probe (${error instanceof Error ? error.message : String(error)}); install Debian's fiu-utils`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
