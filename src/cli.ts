#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { renderHelp } from '../config/docs.js';
import { ConfigError, loadConfig, parseCommandLine } from '../config/load.js';
import { protectedModeRefusal } from '../config/protected-mode.js';
import { createLogger, flushLogs } from './logger.js';
import { closeOnSignals, StartupError, startServer } from './server.js';

/** Exit code for a configuration the user must fix (sysexits' EX_CONFIG). */
const EXIT_CONFIG = 78;

function packageVersion(): string {
  // Two levels up from both src/cli.ts (tsx) and dist/src/cli.js (built).
  for (const candidate of ['../package.json', '../../package.json']) {
    try {
      const parsed = JSON.parse(readFileSync(new URL(candidate, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (parsed.name === 'larder' && parsed.version !== undefined) return parsed.version;
    } catch {
      // Not this one; try the next location.
    }
  }
  return 'unknown';
}

/** Prints a problem the user must fix: one line of reason, no stack trace. */
function fail(message: string, code = EXIT_CONFIG): never {
  process.stderr.write(`larder: ${message}\n`);
  process.exit(code);
}

async function main(args: readonly string[]): Promise<void> {
  const commandLine = parseCommandLine(args);
  if (commandLine.help) return void process.stdout.write(renderHelp());
  if (commandLine.version) return void process.stdout.write(`larder ${packageVersion()}\n`);
  if (commandLine.positionals.length > 0) fail(`unknown command "${commandLine.positionals.join(' ')}" (larder --help)`);
  const loaded = loadConfig({ configFile: commandLine.configFile, settings: commandLine.settings, env: process.env });
  const refusal = protectedModeRefusal(loaded.config);
  if (refusal !== undefined) fail(refusal);
  const log = createLogger({ level: loaded.config.log.level, pretty: process.stdout.isTTY === true });
  for (const warning of loaded.warnings) log.warn(warning);
  try {
    const server = await startServer({ loaded, log });
    closeOnSignals(server, log);
  } catch (error) {
    if (error instanceof StartupError) log.fatal(error.message);
    else log.fatal({ err: error }, 'start-up failed');
    await flushLogs(log);
    process.exit(1);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError) fail(error.message);
  process.stderr.write(`larder: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
