/**
 * The one error catalogue. Every error a command can produce is a `CommandError` whose `message`
 * is Redis's exact text (prefix included): Redis's own test suite and real clients compare these
 * character by character. Doors map the prefix to their own form (RESP `-ERR …`, HTTP status +
 * problem+json, Upstash `{"error": …}`); nothing else in the code base invents error text.
 */
export class CommandError extends Error {
  /** The first word of the message: `ERR`, `WRONGTYPE`, `NOSCRIPT`, `OOM`, … */
  readonly prefix: string;

  constructor(message: string) {
    super(message);
    this.name = 'CommandError';
    const space = message.indexOf(' ');
    this.prefix = space === -1 ? message : message.slice(0, space);
  }
}

const fixed = (text: string) => (): CommandError => new CommandError(text);

/** Redis 7 error texts, by meaning. Functions so every throw gets a fresh stack-less value. */
export const Errors = {
  syntax: fixed('ERR syntax error'),
  wrongType: fixed('WRONGTYPE Operation against a key holding the wrong kind of value'),
  notInteger: fixed('ERR value is not an integer or out of range'),
  notFloat: fixed('ERR value is not a valid float'),
  overflow: fixed('ERR increment or decrement would overflow'),
  decrementOverflow: fixed('ERR decrement would overflow'),
  nanOrInfinity: fixed('ERR increment would produce NaN or Infinity'),
  noSuchKey: fixed('ERR no such key'),
  invalidExpire: (command: string) => new CommandError(`ERR invalid expire time in '${command}' command`),
  wrongArity: (command: string) =>
    new CommandError(`ERR wrong number of arguments for '${command}' command`),
  unknownCommand: (name: string, args: readonly string[]) =>
    new CommandError(
      `ERR unknown command '${truncate(name)}', with args beginning with: ${args
        .slice(0, 20)
        .map((a) => `'${truncate(a)}' `)
        .join('')}`,
    ),
  unknownSubcommand: (sub: string, command: string) =>
    new CommandError(
      `ERR unknown subcommand '${truncate(sub)}'. Try ${command.toUpperCase()} HELP.`,
    ),
  stringTooLong: fixed('ERR string exceeds maximum allowed size (proto-max-bulk-len)'),
  offsetOutOfRange: fixed('ERR offset is out of range'),
  notPositive: (what: string) => new CommandError(`ERR ${what} must be positive`),
  invalidCursor: fixed('ERR invalid cursor'),
  dbIndexOutOfRange: fixed('ERR DB index is out of range'),
  invalidDbIndex: fixed('ERR invalid DB index'),
  invalidFirstDbIndex: fixed('ERR invalid first DB index'),
  invalidSecondDbIndex: fixed('ERR invalid second DB index'),
  sameObject: fixed('ERR source and destination objects are the same'),
  backgroundSaveInProgress: fixed('ERR Background save already in progress'),
  noAuth: fixed('NOAUTH Authentication required.'),
  wrongPass: fixed('WRONGPASS invalid username-password pair or user is disabled.'),
  noPasswordSet: fixed(
    'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
  ),
  unsupportedInContext: (command: string) =>
    new CommandError(`ERR Command '${command}' is not available on this door`),
  valueTooLarge: (limitBytes: number) =>
    new CommandError(`ERR value exceeds the configured limit of ${limitBytes} bytes`),
  keyTooLarge: (limitBytes: number) =>
    new CommandError(`ERR key exceeds the configured limit of ${limitBytes} bytes`),
  persistence: (detail: string) => new CommandError(`ERR ${detail}`),
  // Writes refused after a disk error (Redis's writeCommandsGetDiskErrorMessage, server.c).
  aofWriteError: (strerror: string) => new CommandError(`MISCONF Errors writing to the AOF file: ${strerror}`),
  snapshotWriteError: fixed(
    "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.",
  ),
  aofRewriteInProgress: fixed('ERR Background append only file rewriting already in progress'),
  aofDisabled: fixed('ERR Append only file is disabled: set appendonly yes (CONFIG SET appendonly yes or persistence.aof)'),
  execAbort: fixed('EXECABORT Transaction discarded because of previous errors.'),
  /** EXEC itself refused (out of memory, writes refused after a disk error): the queue is dropped. */
  execAbortBecause: (reason: string) => new CommandError(`EXECABORT Transaction discarded because of: ${reason}`),
  notAllowedInMulti: fixed('ERR Command not allowed inside a transaction'),
  // Transactions and blocking commands (RESP door).
  nestedMulti: fixed('ERR MULTI calls can not be nested'),
  execWithoutMulti: fixed('ERR EXEC without MULTI'),
  discardWithoutMulti: fixed('ERR DISCARD without MULTI'),
  watchInsideMulti: fixed('ERR WATCH inside MULTI is not allowed'),
  timeoutNotFloat: fixed('ERR timeout is not a float or out of range'),
  timeoutNegative: fixed('ERR timeout is negative'),
  unblocked: fixed('UNBLOCKED client unblocked via CLIENT UNBLOCK'),
  unblockReason: fixed('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR'),
  /** A `denyoom` command while used memory is over `maxmemory` and nothing could be evicted. */
  oom: fixed("OOM command not allowed when used memory > 'maxmemory'."),
  lfuSelected: fixed(
    'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
  ),
  lfuNotSelected: fixed(
    'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
  ),
  /** The `/commands` HTTP door refuses commands that need a connection kept open between calls. */
  notOverHttp: (command: string, reason: string) =>
    new CommandError(`ERR '${truncate(command)}' is not available over HTTP: ${reason}`),
  // Pub/sub: a RESP2 client holding subscriptions may only (un)subscribe, ping, quit or reset.
  subscribedContext: (command: string) =>
    new CommandError(
      `ERR Can't execute '${command}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
    ),
  // Connection commands (RESP door).
  maxClients: fixed('ERR max number of clients reached'),
  /** A handler failed unexpectedly; details go to the log, never to the client. */
  internal: fixed('ERR internal error'),
  badClientName: fixed('ERR Client names cannot contain spaces, newlines or special characters.'),
  noSuchClient: fixed('ERR No such client'),
  badClientId: fixed('ERR client-id should be greater than 0'),
  unknownClientType: (type: string) => new CommandError(`ERR Unknown client type '${truncate(type)}'`),
  noSuchUser: (user: string) => new CommandError(`ERR No such user '${truncate(user)}'`),
  badProtocolVersion: fixed('ERR Protocol version is not an integer or out of range'),
  unsupportedProtocol: fixed('NOPROTO unsupported protocol version'),
  helloSyntax: (option: string) => new CommandError(`ERR Syntax error in HELLO option '${truncate(option)}'`),
  helloNoAuth: fixed(
    'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
  ),
  debugDisabled: fixed(
    'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.',
  ),
  bitOffset: fixed('ERR bit offset is not an integer or out of range'),
  bitValue: fixed('ERR bit is not an integer or out of range'),
  lcsNotStrings: fixed('ERR The specified keys must contain string values'),
  lcsLenAndIdx: fixed('ERR If you want both the length and indexes, please just use IDX.'),
  lcsTooLarge: fixed('ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len'),
  configUnknownOption: (name: string) =>
    new CommandError(`ERR Unknown option or number of arguments for CONFIG SET - '${truncate(name)}'`),
  configSetFailed: (name: string, reason: string) =>
    new CommandError(`ERR CONFIG SET failed (possibly related to argument '${truncate(name)}') - ${reason}`),
  // Aggregate types (hashes, lists, sets, sorted sets).
  hashNotInteger: fixed('ERR hash value is not an integer'),
  hashNotFloat: fixed('ERR hash value is not a float'),
  incrementNanOrInfinity: fixed('ERR value is NaN or Infinity'),
  outOfRange: fixed('ERR value is out of range'),
  mustBePositive: fixed('ERR value is out of range, must be positive'),
  indexOutOfRange: fixed('ERR index out of range'),
  /** A custom message Redis passes to its range-checked integer parsers (`COUNT can't be negative` …). */
  rangeMessage: (text: string) => new CommandError(`ERR ${text}`),
  lposRankZero: fixed(
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
  ),
  tooManyKeysForArgs: fixed("ERR Number of keys can't be greater than number of args"),
  zaddNxXx: fixed('ERR XX and NX options at the same time are not compatible'),
  zaddGtLtNx: fixed('ERR GT, LT, and/or NX options at the same time are not compatible'),
  zaddIncrPairs: fixed('ERR INCR option supports a single increment-element pair'),
  scoreNaN: fixed('ERR resulting score is not a number (NaN)'),
  minMaxNotFloat: fixed('ERR min or max is not a float'),
  minMaxNotLex: fixed('ERR min or max not valid string range item'),
  weightNotFloat: fixed('ERR weight value is not a float'),
  atLeastOneKey: (command: string) => new CommandError(`ERR at least 1 input key is needed for '${command}' command`),
  limitWithoutBy: fixed('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX'),
  withScoresByLex: fixed('ERR syntax error, WITHSCORES not supported in combination with BYLEX'),
} as const;

/** Redis truncates echoed user input in error messages to 128 bytes. */
function truncate(text: string): string {
  return text.length > 128 ? text.slice(0, 128) : text;
}

export function isCommandError(value: unknown): value is CommandError {
  return value instanceof CommandError;
}
