/**
 * What the `/commands` HTTP door will not run, and why. Each HTTP request is its own short-lived
 * connection that gets exactly one answer, so commands that keep a connection open, wait for
 * data, or set per-connection state for later calls cannot mean on HTTP what they mean on RESP.
 * Refusing them with a reason beats a hung request or a setting that silently evaporates.
 */
import { CommandError, Errors } from '../src/errors.js';
import type { Dispatcher } from '../src/commands/dispatcher.js';
import type { ClientSession } from '../src/commands/types.js';
import { HttpProblem } from './problem.js';
import { textToBytes } from './upstash-json.js';

const STREAMS = 'it keeps the connection open for pushed messages; use the RESP port';
const BLOCKS = 'it can wait for data while holding the request open; use the RESP port or the non-blocking form';
const CONNECTION_STATE = 'it sets state on a connection, and every HTTP request is a new one';
const TRANSACTION = 'send the whole transaction to POST /commands/multi-exec';

/** Lower-case command name → the reason it is refused over HTTP. */
export const HTTP_REFUSED_COMMANDS: ReadonlyMap<string, string> = new Map([
  ...['subscribe', 'psubscribe', 'ssubscribe', 'unsubscribe', 'punsubscribe', 'sunsubscribe', 'monitor'].map(
    (name) => [name, STREAMS] as const,
  ),
  ...['blpop', 'brpop', 'brpoplpush', 'blmove', 'blmpop', 'bzpopmin', 'bzpopmax', 'bzmpop', 'wait', 'waitaof'].map(
    (name) => [name, BLOCKS] as const,
  ),
  ...['select', 'hello', 'auth', 'reset', 'quit', 'sync', 'psync', 'replconf'].map(
    (name) => [name, CONNECTION_STATE] as const,
  ),
  ...['multi', 'exec', 'discard', 'watch', 'unwatch'].map((name) => [name, TRANSACTION] as const),
]);

/** The refusal for `argv` on the HTTP door, or undefined when it may run. */
export function httpRefusal(argv: readonly string[]): CommandError | undefined {
  const name = argv[0] ?? '';
  const reason = HTTP_REFUSED_COMMANDS.get(name) ?? HTTP_REFUSED_COMMANDS.get(name.toLowerCase());
  return reason === undefined ? undefined : Errors.notOverHttp(name.toUpperCase(), reason);
}

/** GET must be safe to repeat, so path-style calls only run commands that change nothing. */
export function readOnlyRefusal(dispatcher: Dispatcher, argv: readonly string[], session: ClientSession): CommandError | undefined {
  const spec = dispatcher.resolve(argv, session);
  if (spec instanceof CommandError) return spec;
  if (!spec.flags.includes('write') && !spec.flags.includes('admin')) return undefined;
  return Errors.notOverHttp(
    (argv[0] ?? '').toUpperCase(),
    'GET path-style calls only run read-only commands; send it with POST /commands',
  );
}

/** `/commands/get/a%2Fb?x` → `['get', 'a/b']`, each segment URL-decoded to its UTF-8 bytes. */
export function pathCommandArgv(url: string): string[] {
  const query = url.indexOf('?');
  const path = (query === -1 ? url : url.slice(0, query)).slice('/commands/'.length);
  try {
    return path.split('/').map((segment) => textToBytes(decodeURIComponent(segment)));
  } catch {
    throw new HttpProblem(400, 'invalid_path', 'ERR a path segment is not valid percent-encoding');
  }
}
