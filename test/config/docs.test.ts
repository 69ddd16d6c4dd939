import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderConfigSection, renderConfigTable, renderHelp, TABLE_END, TABLE_START } from '../../config/docs.js';
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

  // The lead maintains README.md; `npm run config:docs` prints the block to paste between the markers.
  it('README.md contains exactly the generated config table between its markers', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const start = readme.indexOf(TABLE_START);
    const end = readme.indexOf(TABLE_END);
    expect(start, `README.md needs ${TABLE_START}`).toBeGreaterThanOrEqual(0);
    expect(readme.slice(start, end + TABLE_END.length)).toBe(renderConfigSection());
  });
});
