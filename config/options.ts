import type convict from 'convict';
import { configSchema, type LarderConfig } from './schema.js';

export const ENV_PREFIX = 'LARDER_';
/** Names the config file; read by the loader itself, so it is not a schema key. */
export const CONFIG_FILE_ENV = 'LARDER_CONFIG';

/** One leaf of the schema with the names every source uses for it. */
export interface OptionInfo {
  /** Dotted key path as in the config file: `http.port`. */
  path: string;
  /** `LARDER_HTTP_PORT` */
  env: string;
  /** `--http.port` */
  flag: string;
  doc: string;
  defaultValue: unknown;
  sensitive: boolean;
  /** true/false options may be given as a bare flag (`--security.allowUnprotected`). */
  boolean: boolean;
}

/** `http.bodyLimitBytes` → `LARDER_HTTP_BODY_LIMIT_BYTES`. */
export function envNameFor(path: string): string {
  return ENV_PREFIX + path.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/\./g, '_').toUpperCase();
}

function isLeaf(node: object): node is convict.SchemaObj {
  return 'default' in node;
}

function walk(node: object, prefix: string, out: OptionInfo[]): void {
  for (const [name, child] of Object.entries(node) as Array<[string, object]>) {
    const path = prefix === '' ? name : `${prefix}.${name}`;
    if (!isLeaf(child)) {
      walk(child, path, out);
      continue;
    }
    out.push({
      path,
      env: envNameFor(path),
      flag: `--${path}`,
      doc: child.doc ?? '',
      defaultValue: child.default,
      sensitive: child.sensitive === true,
      boolean: child.format === 'flag',
    });
  }
}

/** Every option in schema order. */
export function listOptions(): OptionInfo[] {
  const out: OptionInfo[] = [];
  walk(configSchema, '', out);
  return out;
}

function withSourcesNode(node: object, prefix: string): object {
  const copy: Record<string, object> = {};
  for (const [name, child] of Object.entries(node) as Array<[string, object]>) {
    const path = prefix === '' ? name : `${prefix}.${name}`;
    // No `arg`: flags are applied by the loader itself (see load.ts for why not convict's parser).
    copy[name] = isLeaf(child) ? { ...child, env: envNameFor(path) } : withSourcesNode(child, path);
  }
  return copy;
}

/** The schema with each leaf's `env` filled in from its path. */
export function schemaWithSources(): convict.Schema<LarderConfig> {
  return withSourcesNode(configSchema, '') as convict.Schema<LarderConfig>;
}

/** How a default reads in help text and the README: lists comma-joined, strings quoted. */
export function formatDefault(value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? '(empty)' : value.join(',');
  if (typeof value === 'string') return value === '' ? '""' : value;
  return String(value);
}
