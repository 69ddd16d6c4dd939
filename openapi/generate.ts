/**
 * Writes `openapi/openapi.json`: the document the app serves at `/openapi.json`, pretty-printed.
 *
 * Run with `npm run openapi` after changing a route or a schema; `test/openapi/drift.test.ts` fails
 * until the committed file matches again. The app is built with a fixed configuration and the
 * document is written exactly as served (same key order), so `curl …/openapi.json | jq .` and the
 * committed file are byte-identical.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildApp, type AppOptions } from '../src/app.js';
import { createEngine, DEFAULT_LIMITS } from '../src/engine.js';
import { ManualClock } from '../src/store/clock.js';

export const OPENAPI_FILE = fileURLToPath(new URL('./openapi.json', import.meta.url));

/** The document never mentions persistence; the app only needs something that satisfies the type. */
const inertPersistence = {
  saveNow: (): void => undefined,
  saveInBackground: (): 'started' => 'started',
  lastSaveUnixSeconds: (): number => 0,
};

/** A fixed configuration: nothing from the environment, the clock or a config file reaches the document. */
export function documentAppOptions(): AppOptions {
  return {
    engine: createEngine({ clock: new ManualClock(), limits: DEFAULT_LIMITS, persistence: inertPersistence }),
    limits: { maxPipelineCommands: 1000 },
    readiness: () => ({ ready: true, detail: 'generator' }),
    logger: false,
    http: { bodyLimitBytes: 1024 * 1024, requestTimeoutMs: 10_000 },
    auth: { tokens: [] },
    cors: { origins: [] },
  };
}

/** The document as text, the way the committed file holds it. */
export function renderDocument(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Builds the app, takes the document @fastify/swagger generates, and closes the app again. */
export async function generateDocument(options: AppOptions = documentAppOptions()): Promise<string> {
  const app = await buildApp(options);
  try {
    await app.ready();
    return renderDocument(app.swagger());
  } finally {
    await app.close();
  }
}

async function main(): Promise<void> {
  await writeFile(OPENAPI_FILE, await generateDocument());
  process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) await main();
