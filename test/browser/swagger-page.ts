import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

/** Debian's Chromium (`.ci/run` installs it); `LARDER_CHROMIUM` points elsewhere. */
export const CHROMIUM_PATH = process.env.LARDER_CHROMIUM ?? '/usr/bin/chromium';

/** Quiet, deterministic headless Chromium: no sandbox (containers), no network chatter of its own. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  /** A fresh directory for this run (Chromium's profile), removed by `close()`. */
  workDir: string;
  close(): Promise<void>;
}

/** Launches headless Chromium with a throw-away profile; fails loudly when Chromium is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}; the Swagger UI check needs a real browser (apt-get install chromium, as .ci/run does, or set LARDER_CHROMIUM).`,
    );
  }
  const workDir = await mkdtemp(join(tmpdir(), 'larder-browser-'));
  const context = await chromium.launchPersistentContext(join(workDir, 'profile'), {
    executablePath: CHROMIUM_PATH,
    headless: true, // playwright passes --headless itself
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    workDir,
    close: async () => {
      await context.close();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

/** Opens Swagger UI and waits until it has rendered the operations. */
export async function openDocs(page: Page, baseUrl: string): Promise<void> {
  await page.goto(`${baseUrl}/docs`);
  await page.locator('.opblock').first().waitFor();
}

/** `METHOD /path` of every operation block Swagger UI rendered. */
export async function listedOperations(page: Page): Promise<string[]> {
  return page.locator('.opblock').evaluateAll((blocks) =>
    blocks.map((block) => {
      const method = block.querySelector('.opblock-summary-method')?.textContent ?? '?';
      const path = block.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? '?';
      return `${method.trim()} ${path}`;
    }),
  );
}

export function operationBlock(page: Page, method: string, path: string): Locator {
  return page.locator(`.opblock.opblock-${method.toLowerCase()}`, { has: page.locator(`.opblock-summary-path[data-path="${path}"]`) });
}

export interface TryItOut {
  /** Path, query and header parameters by name. */
  parameters?: Record<string, string>;
  /** Replaces the example request body. */
  body?: string;
}

export interface ShownResponse {
  status: number;
  body: string;
}

/**
 * Expands an operation, fills its form and presses Execute, as a person would; returns what the
 * UI shows under "Server response". The app enables "Try it out" by default (`tryItOutEnabled`).
 */
export async function tryItOut(block: Locator, input: TryItOut = {}): Promise<ShownResponse> {
  if ((await block.locator('button.execute').count()) === 0) await block.locator('.opblock-summary').click();
  for (const [name, value] of Object.entries(input.parameters ?? {})) {
    await block.locator(`tr[data-param-name="${name}"] input`).fill(value);
  }
  if (input.body !== undefined) await block.locator('textarea.body-param__text').fill(input.body);
  // A previous run's response would satisfy the wait below; "Clear" removes it first.
  const clear = block.locator('button.btn-clear');
  if (await clear.isVisible()) await clear.click();
  await block.locator('button.execute').click();
  const row = block.locator('.live-responses-table tr.response');
  await row.locator('.response-col_status').waitFor();
  const status = Number((await row.locator('.response-col_status').innerText()).trim());
  const body = (await row.locator('.response-col_description pre').first().innerText()).trim();
  return { status, body };
}

/** Enters a bearer token in Swagger UI's "Authorize" dialog, as a person would. */
export async function authorize(page: Page, token: string): Promise<void> {
  await page.locator('.auth-wrapper button.authorize').click();
  const dialog = page.locator('.modal-ux');
  await dialog.locator('#auth-bearer-value').fill(token);
  await dialog.locator('button[type=submit].authorize').click();
  await dialog.locator('button.btn-done').click();
  await dialog.waitFor({ state: 'detached' });
}
