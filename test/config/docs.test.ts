import { describe, expect, it } from 'vitest';
import { renderConfigTable, renderHelp } from '../../config/docs.js';
import { listOptions } from '../../config/options.js';

describe('generated option docs', () => {
  it('help lists every option with its flag, env name, default and description', () => {
    const help = renderHelp();
    for (const option of listOptions()) {
      expect(help).toContain(`${option.flag} <value>`);
      expect(help).toContain(`env ${option.env}`);
      expect(help).toContain(option.doc);
    }
    expect(help).toContain('default 127.0.0.1');
  });

  it('the table has one row per option and escapes pipes inside cells', () => {
    const rows = renderConfigTable().split('\n').slice(2);
    expect(rows).toHaveLength(listOptions().length);
    expect(rows.find((row) => row.startsWith('| `snapshot.onCorrupt`'))).toContain('`refuse`');
    expect(rows.every((row) => row.split(/(?<!\\)\|/).length === 6)).toBe(true);
  });
});
