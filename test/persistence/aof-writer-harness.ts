import type { Reply } from '../../src/commands/reply.js';
import type { ClientSession } from '../../src/commands/types.js';
import { AofRuntime } from '../../src/persistence/aof-runtime.js';
import type { FsyncPolicy } from '../../src/persistence/aof-writer.js';
import { testEngine, type TestEngine } from '../support/engine.js';
import { SimulatedDisk } from '../support/simulated-disk.js';

export const AOF_DIR = '/data/appendonlydir';

export interface LogProcess {
  e: TestEngine;
  runtime: AofRuntime;
  messages: string[];
  /** Runs a command as a client of the RESP door would: the reply and when it may be sent. */
  send(session: ClientSession, ...argv: string[]): { reply: Reply; released: Promise<void> | undefined };
  client(): ClientSession;
}

export interface ProcessOptions {
  policy?: FsyncPolicy;
  rewritePercentage?: number;
  rewriteMinBytes?: number;
  startMs?: number;
  /** The rewrite capture's slice (AofRuntimeOptions.captureSliceMs). */
  captureSliceMs?: number;
}

/** A Larder "process" over `disk`: a fresh engine that loads the log from it, as start-up does. */
export async function startProcess(disk: SimulatedDisk, options: ProcessOptions = {}): Promise<LogProcess> {
  const e = testEngine();
  if (options.startMs !== undefined) e.clock.set(options.startMs);
  const messages: string[] = [];
  const runtime = new AofRuntime({
    engine: e,
    dir: AOF_DIR,
    fs: disk.process(),
    readFs: disk.process(),
    policy: options.policy ?? 'always',
    rewritePercentage: options.rewritePercentage ?? 0,
    rewriteMinBytes: options.rewriteMinBytes ?? 1,
    onTruncatedTail: 'load',
    log: (level, message) => messages.push(`${level}: ${message}`),
    captureSliceMs: options.captureSliceMs,
    snapshotRefusing: () => false,
  });
  Object.assign(e.persistence, { rewriteLog: () => runtime.rewrite() });
  await runtime.start(() => undefined);
  return {
    e,
    runtime,
    messages,
    client: () => e.newSession('resp', true),
    send: (session, ...argv) => {
      const mark = e.durability.sealedRecords;
      const reply = e.dispatcher.dispatch(argv, session);
      // The end of the command's event-loop turn is when the door asks.
      return { reply, released: e.durability.durable(mark) };
    },
  };
}

/**
 * A power cut on `disk`, then a new process that loads what survived and answers `argv`; the new
 * process is stopped again. The old one must already be halted or closed.
 */
export async function replyAfterPowerLoss(disk: SimulatedDisk, argv: readonly string[], options: ProcessOptions = {}): Promise<Reply> {
  disk.crash();
  const q = await startProcess(disk, options);
  try {
    return q.send(q.client(), ...argv).reply;
  } finally {
    q.runtime.halt();
  }
}

/** Lets the writer's end-of-turn flush, the simulated fsyncs and their callbacks run. */
export async function turns(count = 6): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Whether `promise` has settled by now (after a few turns). */
export async function settled(promise: Promise<void> | undefined): Promise<boolean> {
  if (promise === undefined) return true;
  let done = false;
  void promise.then(() => (done = true));
  await turns();
  return done;
}
