import { blockingListCommands, blockingSortedSetCommands } from './blocking.js';
import { connectionCommands } from './connection.js';
import { Dispatcher } from './dispatcher.js';
import { expireCommands } from './expire-commands.js';
import { hashCommands } from './hashes.js';
import { keyCommands } from './keys.js';
import { listCommands } from './lists.js';
import { memoryCommand } from './memory-usage.js';
import { objectCommand } from './object-command.js';
import { pubsubCommands } from './pubsub.js';
import { restCommands } from './rest.js';
import { serverCommands } from './server.js';
import { setCommands } from './sets.js';
import { sortedSetCommands } from './sorted-sets.js';
import { stringBitCommands } from './string-bits.js';
import { stringCommands } from './strings.js';
import { Table } from './table.js';
import { transactionCommands } from './transactions.js';
import type { CommandSpec, ServerServices } from './types.js';
import type { Store } from '../store/store.js';

/** Every family file contributes its specs here; nothing else lists commands. */
export function allCommandSpecs(): CommandSpec[] {
  return [...stringCommands, ...keyCommands, ...expireCommands, ...serverCommands, ...restCommands,
    ...connectionCommands, ...stringBitCommands,
    ...hashCommands,
    ...listCommands,
    ...setCommands,
    ...sortedSetCommands,
    ...pubsubCommands,
    ...transactionCommands,
    ...blockingListCommands,
    ...blockingSortedSetCommands,
    objectCommand,
    memoryCommand];
}

export function buildCommandTable(extra: readonly CommandSpec[] = []): Table {
  return new Table([...allCommandSpecs(), ...extra]);
}

export function createDispatcher(store: Store, server: ServerServices, extra: readonly CommandSpec[] = []): Dispatcher {
  return new Dispatcher(buildCommandTable(extra), store, server);
}

export { Dispatcher } from './dispatcher.js';
export type { ClientSession, ServerServices, Persistence, Limits, CommandSpec } from './types.js';
