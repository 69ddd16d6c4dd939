/**
 * README blocks generated from code: the supported-command list (from the command table) and
 * the config table (from the convict schema). `npm run docs` rewrites them in
 * place; test/docs/readme.test.ts fails when README.md drifts from the code.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { allCommandSpecs } from '../../src/commands/index.js';
import { supportedCommandsMarkdown } from '../../src/commands/markdown.js';
import { renderConfigTable } from '../../config/docs.js';

export const README_PATH = new URL('../../README.md', import.meta.url);

export interface GeneratedBlock {
  name: string;
  render(): Promise<string> | string;
}

export const GENERATED_BLOCKS: GeneratedBlock[] = [
  { name: 'commands', render: () => supportedCommandsMarkdown(allCommandSpecs()) },
  { name: 'config-table', render: renderConfigTable },
];

/** The text between `<!-- name:start -->` and `<!-- name:end -->` (each marker on its own line). */
export function readBlock(readme: string, name: string): string | undefined {
  const bounds = blockBounds(readme, name);
  return bounds === undefined ? undefined : readme.slice(bounds.from, bounds.to);
}

function blockBounds(readme: string, name: string): { from: number; to: number } | undefined {
  const start = `<!-- ${name}:start -->\n`;
  const from = readme.indexOf(start);
  const to = readme.indexOf(`<!-- ${name}:end -->`, from);
  return from === -1 || to === -1 ? undefined : { from: from + start.length, to };
}

export async function rewriteReadme(): Promise<void> {
  let readme = readFileSync(README_PATH, 'utf8');
  for (const block of GENERATED_BLOCKS) {
    const bounds = blockBounds(readme, block.name);
    if (bounds === undefined) throw new Error(`README.md has no <!-- ${block.name}:start --> block`);
    readme = `${readme.slice(0, bounds.from)}${await block.render()}\n${readme.slice(bounds.to)}`;
  }
  writeFileSync(README_PATH, readme);
}

if (process.argv.includes('--write')) await rewriteReadme();
