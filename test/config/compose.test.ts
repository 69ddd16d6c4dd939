import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { listOptions } from '../../config/options.js';

/** `NAME: ${NAME:-default}` lines of the compose file's environment block, with their defaults. */
function composeEnvironment(): Record<string, string> {
  const text = readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8');
  const env: Record<string, string> = {};
  for (const match of text.matchAll(/^\s+(LARDER_[A-Z_]+):\s*\$\{[A-Z_]+:-([^}]*)\}\s*$/gm)) env[match[1]!] = match[2]!;
  return env;
}

describe('docker-compose.yml', () => {
  it('sets only environment variables Larder reads, and its defaults load without a warning', () => {
    const env = composeEnvironment();
    const known = new Set(listOptions().map((option) => option.env));
    expect(Object.keys(env).length).toBeGreaterThan(5);
    expect(Object.keys(env).filter((name) => !known.has(name))).toEqual([]);
    const loaded = loadConfig({ env });
    expect(loaded.warnings).toEqual([]);
    expect(loaded.config.persistence.aof).toBe(true);
    expect(loaded.config.persistence.appendfsync).toBe('everysec');
  });
});
