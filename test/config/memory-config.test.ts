import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/load.js';

const dir = mkdtempSync(join(tmpdir(), 'larder-memory-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('memory.* configuration (maxmemory)', () => {
  it('takes Redis\'s memory units from env, flags and files, as bytes', () => {
    expect(loadConfig({ env: { LARDER_MEMORY_MAX_BYTES: '256mb', LARDER_MEMORY_POLICY: 'volatile-ttl' } }).config.memory).toEqual({
      maxBytes: 256 * 1024 * 1024, policy: 'volatile-ttl', samples: 5,
    });
    expect(loadConfig({ env: {}, settings: [{ path: 'memory.maxBytes', value: '5k' }] }).config.memory.maxBytes).toBe(5000);
    const file = join(dir, 'larder.json');
    writeFileSync(file, JSON.stringify({ memory: { maxBytes: '1gb', policy: 'allkeys-lfu', samples: 10 } }));
    expect(loadConfig({ env: { LARDER_CONFIG: file } }).config.memory).toEqual({ maxBytes: 1024 ** 3, policy: 'allkeys-lfu', samples: 10 });
    expect(loadConfig({ env: {} }).config.memory).toEqual({ maxBytes: 0, policy: 'noeviction', samples: 5 });
  });

  it.each([
    ['LARDER_MEMORY_MAX_BYTES', 'lots'],
    ['LARDER_MEMORY_MAX_BYTES', '12qb'],
    ['LARDER_MEMORY_POLICY', 'lru'],
    ['LARDER_MEMORY_SAMPLES', '65'],
    ['LARDER_MEMORY_SAMPLES', '0'],
  ])('refuses %s=%s', (name, value) => {
    expect(() => loadConfig({ env: { [name]: value } })).toThrow(ConfigError);
  });
});
