/**
 * CPU per command of the RESP door without the network: a real `RespConnection` over a stand-in
 * socket is fed the same pipelined chunk again and again, and process CPU time is divided by the
 * commands run. It measures exactly the JavaScript a hot-path change touches (parse, dispatch,
 * store, encode) and none of the syscalls, which on a busy shared machine makes a before/after
 * difference of a few percent visible where `npm run bench` swings by tens of percent.
 *
 *   node --import tsx bench/resp-cpu.ts [set|get|incr] [pipeline=16] [seconds=3]
 *
 * Compare two commits by running it in each worktree alternately (taskset -c 0 …) and taking the
 * median of several runs; it is not a substitute for the side-by-side figures of `npm run bench`.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { Persistence } from '../src/commands/types.js';
import { createEngine, DEFAULT_LIMITS } from '../src/engine.js';
import { RespConnection } from '../src/resp/connection.js';
import type { RespLimits } from '../src/resp/limits.js';
import { systemClock } from '../src/store/clock.js';

/** The parts of a socket a connection uses; writes are counted and dropped. */
class NullSocket extends EventEmitter {
  readonly remoteAddress = '127.0.0.1';
  readonly remotePort = 1;
  readonly localAddress = '127.0.0.1';
  readonly localPort = 2;
  readonly writableLength = 0;
  readonly writableEnded = false;
  destroyed = false;
  writtenChars = 0;
  setNoDelay(): void {}
  setTimeout(): void {}
  pause(): void {}
  resume(): void {}
  destroy(): void {
    this.destroyed = true;
  }
  write(text: string): boolean {
    this.writtenChars += text.length;
    return true;
  }
}

const COMMANDS: Record<string, string[]> = {
  set: ['SET', 'key:000000123456', 'xxx'],
  get: ['GET', 'key:000000123456'],
  incr: ['INCR', 'counter:000000123456'],
};

const frame = (argv: readonly string[]): string => `*${argv.length}\r\n${argv.map((arg) => `$${arg.length}\r\n${arg}\r\n`).join('')}`;

function openConnection(): NullSocket {
  const persistence: Persistence = { saveNow() {}, saveInBackground: () => 'started', lastSaveUnixSeconds: () => 0 };
  const engine = createEngine({ clock: systemClock, limits: DEFAULT_LIMITS, persistence });
  const limits: RespLimits = { maxClients: 1, idleTimeoutSeconds: 0, maxBulkBytes: 512 * 1024 * 1024, queryBufferLimitBytes: 1 << 30, outputBufferLimitBytes: 1 << 30 };
  const socket = new NullSocket();
  new RespConnection(socket as unknown as Socket, { engine, limits, credentials: { required: false, check: () => 'ok' }, log: () => {} });
  return socket;
}

function main(test: string, pipeline: number, seconds: number): void {
  const argv = COMMANDS[test];
  if (argv === undefined || !Number.isInteger(pipeline) || pipeline < 1 || !(seconds > 0)) {
    throw new Error('usage: resp-cpu.ts [set|get|incr] [pipeline] [seconds]');
  }
  const socket = openConnection();
  const chunk = Buffer.from(frame(argv).repeat(pipeline), 'latin1');
  socket.emit('data', Buffer.from(frame(COMMANDS.set!), 'latin1'));
  let commands = 0;
  const endAtMs = Date.now() + seconds * 1000;
  const before = process.cpuUsage();
  while (Date.now() < endAtMs) {
    // A fresh Buffer per read, as a socket delivers one.
    for (let i = 0; i < 1000; i++) socket.emit('data', Buffer.from(chunk));
    commands += 1000 * pipeline;
  }
  const used = process.cpuUsage(before);
  const nsPerCommand = ((used.user + used.system) * 1000) / commands;
  console.log(`RESP ${test.toUpperCase()} -P ${pipeline}: ${nsPerCommand.toFixed(0)} ns CPU per command (${commands} commands, ${socket.writtenChars} reply bytes)`);
}

main(process.argv[2] ?? 'set', Number(process.argv[3] ?? '16'), Number(process.argv[4] ?? '3'));
