/**
 * The RESP fuzzer, run in its own process (`node --expose-gc --import tsx`) so heap figures after a
 * forced GC mean something. Feeds seeded random and mutated frames to the parser + dispatcher +
 * encoder directly, then some over real sockets to a listener, and prints one JSON line of results.
 *
 *   node --expose-gc --import tsx test/resp/fuzz/fuzz-worker.ts <frames> <socketFrames> <seed>
 */
import { connect } from 'node:net';
import { createEngine, DEFAULT_LIMITS, type Engine } from '../../../src/engine.js';
import { encodeReply } from '../../../src/resp/encoder.js';
import { createRespServer } from '../../../src/resp/listener.js';
import { ProtocolError, RespParser } from '../../../src/resp/parser.js';
import { ManualClock } from '../../../src/store/clock.js';
import { RecordingPersistence } from '../../support/engine.js';
import { FrameSource } from './frames.js';

const [frameCount = 1_000_000, socketFrameCount = 20_000, seed = 1] = process.argv.slice(2).map(Number);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');

function heapAfterGc(): number {
  for (let i = 0; i < 3; i++) gc!();
  return process.memoryUsage().heapUsed;
}

const engine: Engine = createEngine({ clock: new ManualClock(), limits: DEFAULT_LIMITS, persistence: new RecordingPersistence() });
const source = new FrameSource(seed);
const stats = { frames: 0, commands: 0, protocolErrors: 0, socketFrames: 0, socketConnections: 0 };

/**
 * Simulated connections: every frame is fed, in random chunks, to the current parser; a protocol
 * error ends that "connection" and the next frame starts a fresh one, so all frames get parsed.
 */
function fuzzConnection(framesInConnection: number): void {
  let parser = new RespParser({ maxBulkBytes: 1024 * 1024 });
  const session = engine.newSession('internal', true);
  for (let i = 0; i < framesInConnection; i++) {
    stats.frames++;
    for (const chunk of source.chunks(Buffer.from(source.next(), 'latin1'))) {
      if (!drain(parser, chunk, session)) {
        parser = new RespParser({ maxBulkBytes: 1024 * 1024 });
        break;
      }
    }
  }
}

/** Parses what a chunk completes; false after a protocol error. */
function drain(parser: RespParser, chunk: Buffer, session: ReturnType<Engine['newSession']>): boolean {
  parser.push(chunk);
  for (let argv = parser.next(); argv !== undefined; argv = parser.next()) {
    if (argv instanceof ProtocolError) {
      stats.protocolErrors++;
      return false;
    }
    stats.commands++;
    encodeReply(engine.dispatcher.dispatch(argv, session), session.protocol);
  }
  return true;
}

function runParserFuzz(total: number): void {
  while (stats.frames < total) fuzzConnection(1 + source.int(100));
}

/** Sends one connection's worth of frames over TCP, then half-closes and waits for the server to close. */
function fuzzSocket(port: number, framesInConnection: number): Promise<void> {
  let stream = '';
  for (let i = 0; i < framesInConnection; i++) stream += source.next();
  stats.socketFrames += framesInConnection;
  stats.socketConnections++;
  const chunks = source.chunks(Buffer.from(stream, 'latin1'));
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      for (const chunk of chunks) socket.write(chunk);
      socket.end();
    });
    socket.resume();
    socket.on('error', () => {});
    const timer = setTimeout(() => reject(new Error('a fuzzed connection never closed')), 10_000);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function runSocketFuzz(total: number): Promise<boolean> {
  const server = createRespServer(engine, {
    host: '127.0.0.1', port: 0, tokens: [], maxClients: 1000, idleTimeoutSeconds: 0,
    protoMaxBulkLenBytes: 1024 * 1024, queryBufferLimitBytes: 1024 ** 3, outputBufferLimitBytes: 64 * 1024 ** 2,
  });
  const port = await server.listen();
  const target = stats.socketFrames + total;
  while (stats.socketFrames < target) await Promise.all(Array.from({ length: 10 }, () => fuzzSocket(port, 1 + source.int(200))));
  const stillServing = await probe(port);
  await server.close();
  return stillServing;
}

/** A fresh client still gets PONG: the fuzzed connections broke nothing shared. */
function probe(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const client = connect(port, '127.0.0.1', () => client.write('*1\r\n$4\r\nPING\r\n'));
    client.on('data', (data) => {
      resolve(data.toString() === '+PONG\r\n');
      client.destroy();
    });
    client.on('error', () => resolve(false));
  });
}

const startedMs = Date.now();
// Warm-up of both paths (JIT code, net internals, the command table) before the baseline.
runParserFuzz(20_000);
await runSocketFuzz(2_000);
engine.dispatcher.dispatch(['FLUSHALL'], engine.newSession('internal', true));
const heapBeforeBytes = heapAfterGc();
runParserFuzz(stats.frames + frameCount);
const stillServing = await runSocketFuzz(socketFrameCount);
engine.dispatcher.dispatch(['FLUSHALL'], engine.newSession('internal', true));
const heapAfterBytes = heapAfterGc();
console.log(JSON.stringify({ ...stats, stillServing, heapBeforeBytes, heapAfterBytes, elapsedMs: Date.now() - startedMs }));
