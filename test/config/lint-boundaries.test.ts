import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname });

/** Rule ids ESLint reports for `code` as if it lived at `filePath`. */
async function violations(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport const used = x;\n`, { filePath });
  return (result?.messages ?? []).map((message) => message.ruleId ?? message.message);
}

const RESTRICTED = '@typescript-eslint/no-restricted-imports';

describe('import boundaries (GUIDE §2)', () => {
  it.each([
    ['src/store/x.ts', "import x from 'fastify';"],
    ['src/store/x.ts', "import { x } from '../commands/dispatcher.js';"],
    ['src/store/x.ts', "import { x } from '../resp/parser.js';"],
    ['src/commands/x.ts', "import x from 'pino';"],
    ['src/commands/x.ts', "import { x } from 'node:net';"],
    ['src/commands/x.ts', "import { x } from '../../routes/problem.js';"],
    ['src/commands/x.ts', "import { x } from '../resp/encoder.js';"],
    ['src/resp/x.ts', "import { x } from 'zod';"],
    ['src/resp/x.ts', "import { x } from '../store/keyspace.js';"],
    ['src/persistence/x.ts', "import x from 'pino';"],
    ['src/persistence/x.ts', "import { x } from '../../config/schema.js';"],
    ['src/persistence/x.ts', "import { x } from '../resp/parser.js';"],
    ['routes/x.ts', "import { x } from '../src/store/store.js';"],
    ['routes/x.ts', "import { x } from '../src/resp/parser.js';"],
  ])('%s may not `%s`', async (filePath, code) => {
    expect(await violations(filePath, code)).toContain(RESTRICTED);
  });

  it.each([
    ['src/commands/x.ts', "import { x } from '../store/store.js';"],
    ['src/commands/x.ts', "import { x } from './server.js';"],
    ['src/resp/x.ts', "import { x } from '../commands/dispatcher.js';"],
    ['src/resp/x.ts', "import type { x } from '../store/store.js';"],
    ['routes/x.ts', "import { x } from '../src/commands/index.js';"],
    ['src/server.ts', "import { x } from './store/snapshot.js';"],
    ['src/persistence/x.ts', "import { x } from '../store/snapshot-decoder.js';"],
    ['src/persistence/x.ts', "import { x } from '../commands/dispatcher.js';"],
  ])('%s may `%s`', async (filePath, code) => {
    expect(await violations(filePath, code)).not.toContain(RESTRICTED);
  });
});
