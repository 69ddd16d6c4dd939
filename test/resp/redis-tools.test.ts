import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startResp, type RespHarness } from './harness.js';

/** Redis's own command-line tools against the RESP door (Debian's redis-tools; .ci/run installs them). */
const run = promisify(execFile);
let larder: RespHarness;

beforeAll(async () => {
  larder = await startResp();
});
afterAll(() => larder.close());

function cli(...args: string[]): Promise<{ stdout: string }> {
  return run('redis-cli', ['-p', String(larder.port), ...args], { timeout: 20_000 });
}

describe('redis-cli and redis-benchmark', () => {
  it('redis-cli runs commands and prints replies as it does for Redis', async () => {
    expect((await cli('SET', 'greeting', 'hello world')).stdout).toBe('OK\n');
    expect((await cli('GET', 'greeting')).stdout).toBe('hello world\n');
    expect((await cli('INCRBY', 'n', '5')).stdout).toBe('5\n');
    expect((await cli('GET', 'missing')).stdout).toBe('\n');
    expect((await cli('NOSUCHCOMMAND')).stdout).toMatch(/^ERR unknown command 'NOSUCHCOMMAND'/);
  });

  it('redis-cli --pipe loads a mass insert with no errors', async () => {
    let input = '';
    for (let i = 0; i < 5000; i++) input += `*3\r\n$3\r\nSET\r\n$${`pipe:${i}`.length}\r\npipe:${i}\r\n$1\r\nv\r\n`;
    const child = execFile('redis-cli', ['-p', String(larder.port), '--pipe'], { timeout: 20_000 });
    let stdout = '';
    child.stdout!.on('data', (chunk: string) => (stdout += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.stdin!.end(input);
    expect(await exited).toBe(0);
    expect(stdout).toContain('errors: 0, replies: 5000');
    expect((await cli('EXISTS', 'pipe:0', 'pipe:4999')).stdout).toBe('2\n');
  });

  it('redis-benchmark -t ping,set,get,incr,mset completes every test without errors', async () => {
    const { stdout } = await run('redis-benchmark', ['-p', String(larder.port), '-t', 'ping,set,get,incr,mset', '-q', '-n', '2000', '-c', '10'], {
      timeout: 60_000,
    });
    const lines = stdout.split(/[\r\n]+/).filter((line) => line.includes('requests per second'));
    expect(lines.map((line) => line.split(':')[0])).toEqual(['PING_INLINE', 'PING_MBULK', 'SET', 'GET', 'INCR', 'MSET (10 keys)']);
    expect(stdout).not.toMatch(/ERR|error/i);
  });
});
