import { EventEmitter } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT_CONFIG, main, type CliIo } from '../../src/cli.js';
import { cleanUp, tempDataDir } from './larder-process.js';

afterAll(cleanUp);

/** The CLI's view of the process, recorded: what it printed and the exit codes it asked for. */
function fakeIo(env: Record<string, string> = {}): CliIo & EventEmitter & { out: string; err: string; exits: number[] } {
  const io = Object.assign(new EventEmitter(), {
    env: { LARDER_LOG_LEVEL: 'silent', ...env },
    out: '',
    err: '',
    exits: [] as number[],
    stdout: { write: (text: string) => (io.out += text), isTTY: false },
    stderr: { write: (text: string) => (io.err += text) },
    exit: (code: number) => void io.exits.push(code),
  });
  return io;
}

describe('main (the larder CLI, in process)', () => {
  it('prints help and the version without starting anything', async () => {
    const io = fakeIo();
    expect(await main(['--help'], io)).toBeUndefined();
    expect(io.out).toContain('--snapshot.saveRules <value>');
    const version = fakeIo();
    await main(['-v'], version);
    expect(version.out).toMatch(/^larder \d+\.\d+\.\d+\n$/);
  });

  it.each([
    [['--http.port', '-1'], 'http.port: must be a TCP port number'],
    [['--nope'], 'unknown option --nope'],
    [['serve'], 'unknown command "serve"'],
    [['--http.host', '10.1.2.3'], 'Refusing to start: protected mode'],
  ])('larder %j exits %i with a one-line reason', async (args, reason) => {
    const io = fakeIo();
    await main(args, io);
    expect(io.exits).toEqual([EXIT_CONFIG]);
    expect(io.err).toContain(reason);
    expect(io.err.startsWith('larder: ')).toBe(true);
  });

  it('starts from the environment, and SIGTERM through its process hooks exits 0', async () => {
    const io = fakeIo({ LARDER_HTTP_PORT: '0', LARDER_RESP_PORT: '0', LARDER_DATA_DIR: tempDataDir() });
    const server = await main([], io);
    expect(server?.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${server?.httpUrl}/health/live`)).status).toBe(200);
    io.emit('SIGTERM', 'SIGTERM');
    await expect.poll(() => io.exits, { timeout: 5000 }).toEqual([0]);
  });

  it('exits 1 when start-up fails after the config was accepted', async () => {
    const dataDir = tempDataDir();
    writeFileSync(join(dataDir, 'larder.snapshot'), 'not a snapshot');
    const io = fakeIo({ LARDER_HTTP_PORT: '0', LARDER_RESP_PORT: '0', LARDER_DATA_DIR: dataDir });
    expect(await main([], io)).toBeUndefined();
    expect(io.exits).toEqual([1]);
  });
});
