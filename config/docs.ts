import { CONFIG_FILE_ENV, formatDefault, listOptions } from './options.js';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The README's configuration table, generated from the schema (`npm run docs` writes it into README.md). */
export function renderConfigTable(): string {
  const rows = listOptions().map(
    (option) => `| \`${option.path}\` | \`${option.env}\` | \`${cell(formatDefault(option.defaultValue))}\` | ${cell(option.doc)} |`,
  );
  return ['| Key (file / `--flag`) | Environment | Default | Description |', '|---|---|---|---|', ...rows].join('\n');
}

/** `larder --help`: usage, then every option with its flag, env name, default and doc. */
export function renderHelp(): string {
  const lines = [
    'Usage: larder [--config <file.json>] [--<key> <value> ...]',
    '       larder check <snapshot | log file | manifest | log directory> [--fix]',
    '',
    'A Redis-compatible in-memory cache: REST, Upstash-compatible /commands and RESP over one engine.',
    '',
    `Sources, lowest to highest: defaults < config file (--config or ${CONFIG_FILE_ENV}) < environment < flags.`,
    'Flags use the key path as in the config file: --http.port 9000 or --http.port=9000.',
    'Lists are comma-separated in env and flags: --auth.tokens a,b.',
    '',
    'Options:',
    '  -h, --help                 print this help',
    '  -v, --version              print the version',
    '  --config <file>            JSON config file',
  ];
  for (const option of listOptions()) {
    lines.push('', `  ${option.flag} <value>`, `      env ${option.env}   default ${formatDefault(option.defaultValue)}`, `      ${option.doc}`);
  }
  return `${lines.join('\n')}\n`;
}
