import { constants } from 'node:buffer';
import { integerParameter, memoryParameter, readOnlyParameter } from '../commands/config-registry.js';
import type { ConfigRegistry } from '../commands/types.js';
import type { ParserLimits } from './parser.js';

/**
 * The RESP door's limits, held in one mutable object that the parser and every connection read
 * live, so `CONFIG SET` changes them for connected clients at once (as in Redis).
 */
export interface RespLimits extends ParserLimits {
  maxClients: number;
  /** Close clients idle this long; 0 disables (Redis `timeout`). */
  idleTimeoutSeconds: number;
  /** Close a client whose unparsed input grows past this (Redis `client-query-buffer-limit`). */
  queryBufferLimitBytes: number;
  /** Close a client whose unsent replies grow past this (Redis's hard `client-output-buffer-limit`). */
  outputBufferLimitBytes: number;
}

/**
 * V8 cannot hold a string longer than this, and arguments are strings, so a larger
 * proto-max-bulk-len could never be honoured: it is capped here rather than failing mid-read.
 */
export const MAX_ARGUMENT_BYTES = constants.MAX_STRING_LENGTH;

const ONE_MIB = 1024 * 1024;
const INT32_MAX = 2_147_483_647;

/** Registers the RESP parameters on CONFIG, with Redis's names and bounds. */
export function defineRespParameters(
  config: ConfigRegistry,
  limits: RespLimits,
  endpoint: { host: string; port: () => number },
  onTimeoutChange: () => void,
): void {
  config.define(integerParameter('maxclients', { min: 1, max: INT32_MAX }, () => limits.maxClients, (v) => {
    limits.maxClients = v;
  }));
  config.define(integerParameter('timeout', { min: 0, max: INT32_MAX }, () => limits.idleTimeoutSeconds, (v) => {
    limits.idleTimeoutSeconds = v;
    onTimeoutChange();
  }));
  config.define(memoryParameter('proto-max-bulk-len', { min: ONE_MIB, max: MAX_ARGUMENT_BYTES }, () => limits.maxBulkBytes, (v) => {
    limits.maxBulkBytes = v;
  }));
  config.define(memoryParameter('client-query-buffer-limit', { min: ONE_MIB, max: Number.MAX_SAFE_INTEGER }, () => limits.queryBufferLimitBytes, (v) => {
    limits.queryBufferLimitBytes = v;
  }));
  config.define(readOnlyParameter('client-output-buffer-limit', () => `normal ${limits.outputBufferLimitBytes} 0 0 replica 0 0 0 pubsub ${limits.outputBufferLimitBytes} 0 0`));
  config.define(readOnlyParameter('port', () => String(endpoint.port())));
  config.define(readOnlyParameter('bind', () => endpoint.host));
}
