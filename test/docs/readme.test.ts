import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_BLOCKS, README_PATH, readBlock } from '../support/readme-blocks.js';

describe('README.md generated blocks', () => {
  const readme = readFileSync(README_PATH, 'utf8');
  it.each(GENERATED_BLOCKS.map((b) => [b.name, b]))('the %s block matches the code (run `npm run docs`)', async (_name, block) => {
    expect(readBlock(readme, block.name)).toBe(`${await block.render()}\n`);
  });
});
