import { afterAll, describe, expect, it } from 'vitest';
import { cleanUp, freePort, runLarder, startLarder, tempDataDir } from './larder-process.js';

afterAll(cleanUp);

/** sysexits' EX_CONFIG, which larder uses for every configuration it refuses. */
const EXIT_CONFIG = 78;

describe('larder binary', () => {
  it('--help prints every option with its env name and exits 0', async () => {
    const { code, stdout } = await runLarder(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: larder');
    expect(stdout).toContain('--http.port <value>');
    expect(stdout).toContain('env LARDER_HTTP_PORT   default 8080');
    expect(stdout).toContain('--resp.outputBufferLimitBytes <value>');
  });

  it('an invalid value exits non-zero naming the key, without a stack trace', async () => {
    const { code, stderr, stdout } = await runLarder([], { LARDER_HTTP_PORT: 'eighty' });
    expect(code).toBe(EXIT_CONFIG);
    expect(stderr).toContain('http.port: must be a TCP port number (0-65535): value was "eighty"');
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stdout).toBe('');
  });

  it('an unknown flag is refused rather than ignored', async () => {
    const { code, stderr } = await runLarder(['--http.prot', '9000']);
    expect(code).toBe(EXIT_CONFIG);
    expect(stderr).toContain('unknown option --http.prot');
  });

  it('a flag beats the environment variable for the same key', async () => {
    const [envPort, flagPort] = [await freePort(), await freePort()];
    const larder = await startLarder(['--http.port', String(flagPort), '--data.dir', tempDataDir()], { LARDER_HTTP_PORT: String(envPort) });
    expect(larder.httpUrl).toBe(`http://127.0.0.1:${flagPort}`);
    expect((await fetch(`${larder.httpUrl}/health/live`)).status).toBe(200);
    expect((await larder.stop()).code).toBe(0);
  });

  it('protected mode refuses a public address without a token and says how to fix it', async () => {
    const { code, stderr } = await runLarder(['--http.host', '0.0.0.0', '--data.dir', tempDataDir()]);
    expect(code).toBe(EXIT_CONFIG);
    expect(stderr).toContain('Refusing to start: protected mode');
    expect(stderr).toContain('LARDER_AUTH_TOKENS=<secret>');
    expect(stderr).toContain('LARDER_SECURITY_ALLOW_UNPROTECTED=true');
  });

  it('a public address starts once a token is set, and the token is then required', async () => {
    const larder = await startLarder(['--http.host', '0.0.0.0', '--data.dir', tempDataDir()], { LARDER_AUTH_TOKENS: 'e2e-token' });
    const base = larder.httpUrl.replace('0.0.0.0', '127.0.0.1');
    expect((await fetch(`${base}/keys/anything`)).status).toBe(401);
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
    expect((await larder.stop()).code).toBe(0);
  });
});
