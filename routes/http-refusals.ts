/**
 * What the `/commands` HTTP door will not run, and why. Each HTTP request is its own short-lived
 * connection that gets exactly one answer, so commands that keep a connection open, wait for
 * data, or set per-connection state for later calls cannot mean on HTTP what they mean on RESP.
 * Refusing them with a reason beats a hung request or a setting that silently evaporates.
 */
import { type CommandError, Errors } from '../src/errors.js';

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
