import convict from 'convict';
import type { SaveRule } from '../src/store/snapshot.js';
import { parseSaveRules, registerFormats } from './formats.js';
import { CONFIG_FILE_ENV, ENV_PREFIX, listOptions, schemaWithSources, type OptionInfo } from './options.js';
import type { LarderConfig } from './schema.js';

/** A configuration problem the user must fix; its message names the key and is shown without a stack. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface Setting {
  path: string;
  value: string;
}

/** What `larder [options] [command …]` asked for. */
export interface CommandLine {
  help: boolean;
  version: boolean;
  configFile: string | undefined;
  /** `--<key.path> value` pairs, in order; the last one for a key wins. */
  settings: Setting[];
  /** Words that are not options (sub-commands such as `check <file>`). */
  positionals: string[];
}

export interface LoadOptions {
  configFile?: string | undefined;
  settings?: readonly Setting[];
  env: NodeJS.ProcessEnv;
}

export interface LoadedConfig {
  config: LarderConfig;
  saveRules: SaveRule[];
  /** The file that was read, if any. */
  configFile: string | undefined;
  /** Non-fatal findings, e.g. a LARDER_ variable that matches no option (a likely typo). */
  warnings: string[];
}

registerFormats();

function splitOption(word: string): { name: string; inlineValue: string | undefined } {
  const equals = word.indexOf('=');
  return equals === -1 ? { name: word, inlineValue: undefined } : { name: word.slice(0, equals), inlineValue: word.slice(equals + 1) };
}

/**
 * Flags are `--<key.path> <value>` or `--<key.path>=<value>`, the key exactly as in the config file.
 * Parsed here rather than by convict's yargs-parser, which rewrites numeric-looking text (a token
 * "0123" would become "123") and silently ignores unknown flags.
 */
export function parseCommandLine(args: readonly string[]): CommandLine {
  const options = new Map(listOptions().map((option): [string, OptionInfo] => [option.flag, option]));
  const parsed: CommandLine = { help: false, version: false, configFile: undefined, settings: [], positionals: [] };
  for (let i = 0; i < args.length; i++) {
    const word = args[i] ?? '';
    if (word === '--help' || word === '-h') parsed.help = true;
    else if (word === '--version' || word === '-v') parsed.version = true;
    else if (!word.startsWith('-')) parsed.positionals.push(word);
    else {
      const { name, inlineValue } = splitOption(word);
      const option = options.get(name);
      if (name !== '--config' && option === undefined) throw new ConfigError(`unknown option ${name} (larder --help lists them)`);
      const next = args[i + 1];
      const hasNext = next !== undefined && !next.startsWith('--');
      let value = inlineValue;
      if (value === undefined && option?.boolean === true && !hasNext) value = 'true';
      if (value === undefined && hasNext) value = args[++i];
      if (value === undefined) throw new ConfigError(`option ${name} needs a value`);
      if (option === undefined) parsed.configFile = value;
      else parsed.settings.push({ path: option.path, value });
    }
  }
  return parsed;
}

function readFile(config: convict.Config<LarderConfig>, file: string): void {
  try {
    config.loadFile(file);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`cannot read config file ${file}: ${reason}`);
  }
}

function unknownEnvNames(env: NodeJS.ProcessEnv): string[] {
  const known = new Set([CONFIG_FILE_ENV, ...listOptions().map((option) => option.env)]);
  return Object.keys(env).filter((name) => name.startsWith(ENV_PREFIX) && !known.has(name));
}

/** defaults < config file < LARDER_* environment < command-line flags; then strict validation. */
export function loadConfig(options: LoadOptions): LoadedConfig {
  // `args: []`: convict must not read process.argv on its own; flags are set last, below.
  const config = convict(schemaWithSources(), { env: options.env, args: [] });
  const configFile = options.configFile ?? options.env[CONFIG_FILE_ENV];
  if (configFile !== undefined && configFile !== '') readFile(config, configFile);
  for (const { path, value } of options.settings ?? []) config.set(path, value);
  try {
    config.validate({ allowed: 'strict' });
  } catch (error) {
    throw new ConfigError(`invalid configuration:\n${error instanceof Error ? error.message : String(error)}`);
  }
  const properties = config.getProperties();
  return {
    config: properties,
    saveRules: parseSaveRules(properties.snapshot.saveRules),
    configFile: configFile === '' ? undefined : configFile,
    warnings: unknownEnvNames(options.env).map((name) => `${name} is set but is not a Larder option (ignored)`),
  };
}
