#!/usr/bin/env node
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderHelp } from '../config/docs.js';
import { ConfigError, loadConfig, parseCommandLine } from '../config/load.js';
import { protectedModeRefusal } from '../config/protected-mode.js';
import { createLogger, flushLogs } from './logger.js';
import { checkCommand } from './persistence/check.js';
import { closeOnSignals, StartupError, startServer, type ProcessHooks, type RunningServer } from './server.js';

/** Exit code for a configuration the user must fix (sysexits' EX_CONFIG). */
export const EXIT_CONFIG = 78;

/** What the CLI touches of the outside world; `process` itself in production, a fake in tests. */
export interface CliIo extends ProcessHooks {
  env: NodeJS.ProcessEnv;
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
}

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

/** A problem the user must fix: one line of reason on stderr, no stack trace. */
function fail(io: CliIo, message: string, code = EXIT_CONFIG): undefined {
  io.stderr.write(`larder: ${message}\n`);
  io.exit(code);
  return undefined;
}

async function serve(args: readonly string[], io: CliIo): Promise<RunningServer | undefined> {
  const commandLine = parseCommandLine(args);
  if (commandLine.help) return void io.stdout.write(renderHelp());
  if (commandLine.version) return void io.stdout.write(`larder ${packageVersion()}\n`);
  if (commandLine.positionals.length > 0) return fail(io, `unknown command "${commandLine.positionals.join(' ')}" (larder --help)`);
  const loaded = loadConfig({ configFile: commandLine.configFile, settings: commandLine.settings, env: io.env });
  const refusal = protectedModeRefusal(loaded.config);
  if (refusal !== undefined) return fail(io, refusal);
  const log = createLogger({ level: loaded.config.log.level, pretty: io.stdout.isTTY === true });
  for (const warning of loaded.warnings) log.warn(warning);
  try {
    const server = await startServer({ loaded, log });
    closeOnSignals(server, log, io);
    return server;
  } catch (error) {
    if (error instanceof StartupError) log.fatal(error.message);
    else log.fatal({ err: error }, 'start-up failed');
    await flushLogs(log);
    io.exit(1);
    return undefined;
  }
}

/**
 * `larder [options]`: help, version, or a running server (returned so tests can stop it);
 * `larder check …` verifies persistence files and exits (src/persistence/check.ts).
 */
export async function main(args: readonly string[], io: CliIo = process): Promise<RunningServer | undefined> {
  if (args[0] === 'check') return void io.exit(checkCommand(args.slice(1), io));
  try {
    return await serve(args, io);
  } catch (error) {
    if (error instanceof ConfigError) return fail(io, error.message);
    throw error;
  }
}

function invokedDirectly(): boolean {
  const script = process.argv[1];
  return script !== undefined && realpathSync(script) === fileURLToPath(import.meta.url);
}

if (invokedDirectly()) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`larder: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
