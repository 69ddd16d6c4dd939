import { createServer, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanUp, command, runLarder, startLarder, tempDataDir } from './larder-process.js';

afterAll(cleanUp);

const SECRET_VALUE = 'e2e-secret-value-7f3a';
const TOKEN = 'e2e-log-token-91c2';

interface LogLine {
  level: number;
  msg: string;
  reqId?: string;
  req?: { method: string; url: string };
  res?: { statusCode: number };
  responseTime?: number;
}

describe('logs', () => {
  it('are JSON lines when piped, with request fields and never a value or a token', async () => {
    const larder = await startLarder(['--data.dir', tempDataDir()], { LARDER_AUTH_TOKENS: TOKEN });
    const auth = { authorization: `Bearer ${TOKEN}` };
    await fetch(`${larder.httpUrl}/keys/json-key`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ value: SECRET_VALUE }),
    });
    await fetch(`${larder.httpUrl}/keys/raw-key`, { method: 'PUT', headers: { ...auth, 'content-type': 'text/plain' }, body: SECRET_VALUE });
    await fetch(`${larder.httpUrl}/commands`, { method: 'POST', headers: auth, body: JSON.stringify(['SET', 'cmd-key', SECRET_VALUE]) });
    await fetch(`${larder.httpUrl}/keys/json-key`, { headers: auth });
    await fetch(`${larder.httpUrl}/keys/json-key`, { headers: { authorization: 'Bearer wrong' } });
    expect((await larder.stop()).code).toBe(0);

    const lines = larder.stdout().trim().split('\n').map((line) => JSON.parse(line) as LogLine);
    const completed = lines.filter((line) => line.msg === 'request completed');
    expect(completed.map((line) => line.res?.statusCode)).toEqual([201, 201, 200, 200, 401]);
    const incoming = lines.find((line) => line.msg === 'incoming request' && line.req?.method === 'PUT');
    expect(incoming?.req?.url).toBe('/keys/json-key');
    expect(completed.every((line) => typeof line.reqId === 'string' && typeof line.responseTime === 'number')).toBe(true);
    expect(larder.stdout()).not.toContain(SECRET_VALUE);
    expect(larder.stdout()).not.toContain(TOKEN);
  });

  it('are pretty, not JSON, when stdout is a terminal', async () => {
    // `script` gives the child a pseudo-terminal; a taken port makes start-up log and exit by itself.
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const cli = `${process.execPath} --import tsx src/cli.ts --http.port ${port} --resp.port 0 --data.dir ${tempDataDir()}`;
    const { stdout, code } = await runLarder([], { LARDER_NOT_AN_OPTION: '1' }, ['script', '-qec', cli, '/dev/null']);
    blocker.close();
    expect(code).toBe(1);
    expect(stdout).toMatch(/WARN.*LARDER_NOT_AN_OPTION is set but is not a Larder option/);
    expect(stdout).toMatch(/FATAL.*start-up failed/);
    expect(stdout).toContain('EADDRINUSE');
    expect(stdout).not.toContain('{"level"');
  });

  it('piped start-up failures are one JSON line with the error', async () => {
    const dataDir = tempDataDir();
    const first = await startLarder(['--data.dir', dataDir]);
    await command(first.httpUrl, 'PING');
    const port = new URL(first.httpUrl).port;
    const clash = await runLarder(['--http.port', port, '--resp.port', '0', '--data.dir', tempDataDir()]);
    await first.stop();
    expect(clash.code).toBe(1);
    const fatal = clash.stdout.trim().split('\n').map((line) => JSON.parse(line) as LogLine & { err?: { code?: string } }).find((line) => line.level === 60);
    expect(fatal?.err?.code).toBe('EADDRINUSE');
  });
});
