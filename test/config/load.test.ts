import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSaveRules } from '../../config/formats.js';
import { ConfigError, loadConfig, parseCommandLine } from '../../config/load.js';
import { envNameFor } from '../../config/options.js';

const dir = mkdtempSync(join(tmpdir(), 'larder-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function configFile(name: string, content: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

function loadError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('expected a ConfigError');
}

describe('config sources', () => {
  it('uses the documented defaults when nothing is set', () => {
    const { config, saveRules } = loadConfig({ env: {} });
    expect(config.http).toEqual({ host: '127.0.0.1', port: 8080, bodyLimitBytes: 16 * 1024 * 1024, requestTimeoutMs: 30_000 });
    expect(config.resp.port).toBe(6380);
    expect(config.databases).toBe(16);
    expect(config.auth.tokens).toEqual([]);
    expect(saveRules).toEqual([
      { afterSeconds: 3600, minChanges: 1 },
      { afterSeconds: 300, minChanges: 100 },
      { afterSeconds: 60, minChanges: 10000 },
    ]);
  });

  it('layers defaults < file < environment < flags', () => {
    const file = configFile('layers.json', { http: { port: 1001, host: '127.0.0.2' }, data: { dir: '/from/file' }, log: { level: 'warn' } });
    const env = { LARDER_HTTP_PORT: '1002', LARDER_DATA_DIR: '/from/env' };
    const { config } = loadConfig({ configFile: file, env, settings: [{ path: 'http.port', value: '1003' }] });
    expect(config.http.port).toBe(1003);
    expect(config.data.dir).toBe('/from/env');
    expect(config.http.host).toBe('127.0.0.2');
    expect(config.log.level).toBe('warn');
    expect(config.http.requestTimeoutMs).toBe(30_000);
  });

  it('reads the file named by LARDER_CONFIG when --config is absent', () => {
    const file = configFile('from-env.json', { databases: 4 });
    expect(loadConfig({ env: { LARDER_CONFIG: file } }).config.databases).toBe(4);
  });

  it('splits comma-separated lists from the environment and keeps token text exactly', () => {
    const { config } = loadConfig({ env: { LARDER_AUTH_TOKENS: '0123, s3cret ', LARDER_CORS_ORIGINS: 'https://a.example,https://b.example' } });
    expect(config.auth.tokens).toEqual(['0123', 's3cret']);
    expect(config.cors.origins).toEqual(['https://a.example', 'https://b.example']);
  });

  it('warns about LARDER_ variables that match no option', () => {
    const { warnings } = loadConfig({ env: { LARDER_HTTP_PROT: '1', LARDER_CONFIG: '' } });
    expect(warnings).toEqual(['LARDER_HTTP_PROT is set but is not a Larder option (ignored)']);
  });
});

describe('invalid configuration names the key', () => {
  it.each([
    ['LARDER_HTTP_PORT', 'abc', 'http.port'],
    ['LARDER_HTTP_PORT', '70000', 'http.port'],
    ['LARDER_LIMITS_MAX_VALUE_BYTES', '12abc', 'limits.maxValueBytes'],
    ['LARDER_SNAPSHOT_ON_CORRUPT', 'ignore', 'snapshot.onCorrupt'],
    ['LARDER_SNAPSHOT_SAVE_RULES', '60', 'snapshot.saveRules'],
    ['LARDER_SECURITY_ALLOW_UNPROTECTED', 'yes', 'security.allowUnprotected'],
    ['LARDER_DATABASES', '0', 'databases'],
  ])('%s=%s is refused with %s in the message', (name, value, key) => {
    expect(loadError(() => loadConfig({ env: { [name]: value } }))).toContain(`${key}:`);
  });

  it('refuses a file key that is not in the schema', () => {
    const file = configFile('typo.json', { http: { prot: 1 } });
    expect(loadError(() => loadConfig({ configFile: file, env: {} }))).toContain('http.prot');
  });

  it('names the config file it cannot read or parse', () => {
    expect(loadError(() => loadConfig({ configFile: join(dir, 'missing.json'), env: {} }))).toContain('missing.json');
    const broken = configFile('broken.json', '{"http": ');
    expect(loadError(() => loadConfig({ configFile: broken, env: {} }))).toContain('broken.json');
  });
});

describe('command line', () => {
  it('accepts --key value and --key=value with the config file key path', () => {
    const parsed = parseCommandLine(['--http.port', '9000', '--data.dir=/tmp/x', '--config', 'larder.json']);
    expect(parsed.settings).toEqual([
      { path: 'http.port', value: '9000' },
      { path: 'data.dir', value: '/tmp/x' },
    ]);
    expect(parsed.configFile).toBe('larder.json');
  });

  it('treats a bare true/false option as true', () => {
    expect(parseCommandLine(['--security.allowUnprotected', '--http.port', '1']).settings).toEqual([
      { path: 'security.allowUnprotected', value: 'true' },
      { path: 'http.port', value: '1' },
    ]);
  });

  it('recognises help, version and positional words', () => {
    expect(parseCommandLine(['-h']).help).toBe(true);
    expect(parseCommandLine(['--version']).version).toBe(true);
    expect(parseCommandLine(['check', 'file.snapshot']).positionals).toEqual(['check', 'file.snapshot']);
  });

  it('refuses unknown options and options without a value', () => {
    expect(loadError(() => parseCommandLine(['--http.prot', '1']))).toBe('unknown option --http.prot (larder --help lists them)');
    expect(loadError(() => parseCommandLine(['--http.port']))).toBe('option --http.port needs a value');
  });
});

describe('names and formats', () => {
  it('derives env names from key paths in upper snake case', () => {
    expect(envNameFor('http.port')).toBe('LARDER_HTTP_PORT');
    expect(envNameFor('resp.protoMaxBulkLenBytes')).toBe('LARDER_RESP_PROTO_MAX_BULK_LEN_BYTES');
  });

  it('parses Redis save rules and "" as no rules', () => {
    expect(parseSaveRules('900 1  300 10')).toEqual([
      { afterSeconds: 900, minChanges: 1 },
      { afterSeconds: 300, minChanges: 10 },
    ]);
    expect(parseSaveRules('')).toEqual([]);
    expect(() => parseSaveRules('900 x')).toThrow('"900 x" is not a pair of positive integers');
  });
});

describe('config/larder.example.json', () => {
  it('is valid and spells out exactly the defaults', () => {
    const example = new URL('../../config/larder.example.json', import.meta.url).pathname;
    expect(loadConfig({ configFile: example, env: {} }).config).toEqual(loadConfig({ env: {} }).config);
  });
});
