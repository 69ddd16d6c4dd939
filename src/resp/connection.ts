import type { Socket } from 'node:net';
import { BlockedReply } from '../commands/blocking-registry.js';
import { PushReply, type Reply } from '../commands/reply.js';
import type { ClientSession, ConnectedClient } from '../commands/types.js';
import type { Engine } from '../engine.js';
import { subscribedModeRefusal } from '../commands/pubsub.js';
import { Errors } from '../errors.js';
import { encodeError, encodeReply } from './encoder.js';
import { HeldOutput } from './held-output.js';
import type { RespLimits } from './limits.js';
import { ProtocolError, RespParser } from './parser.js';

export type RespLog = (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

/** Replies are batched per socket read; a batch this large is written out before continuing. */
const FLUSH_THRESHOLD_BYTES = 256 * 1024;
/**
 * Commands of one batch that share a clock reading (see `runCommands`): bounds how stale the time
 * a command sees can be in a long pipeline, while a typical batch reads the clock once.
 */
const COMMANDS_PER_CLOCK_READ = 16;

export interface ConnectionDeps {
  engine: Engine;
  limits: RespLimits;
  /** Whether a fresh connection must AUTH first, and how credentials are checked. */
  credentials: { required: boolean; check(username: string, password: string): 'ok' | 'wrong' | 'unconfigured' };
  log: RespLog;
}

/** `POST …` or `Host: …` as a command name: the first lines of an HTTP request. */
function isCrossProtocolAttack(argv: readonly string[]): boolean {
  const name = argv[0] ?? '';
  return (name.length === 4 && name.toLowerCase() === 'post') || (name.length === 5 && name.toLowerCase() === 'host:');
}

function endpoint(address: string | undefined, port: number | undefined): string {
  const host = address?.startsWith('::ffff:') ? address.slice(7) : (address ?? '?');
  return `${host.includes(':') ? `[${host}]` : host}:${port ?? 0}`;
}

/**
 * One RESP client. Each socket read is parsed into commands that run one at a time through the
 * dispatcher; their replies are concatenated and written with one `socket.write` per read, so a
 * pipeline of any depth costs one syscall per read rather than one per command. The connection
 * never touches the store: it parses, dispatches, renders.
 */
export class RespConnection implements ConnectedClient {
  readonly session: ClientSession;
  readonly addr: string;
  readonly laddr: string;
  readonly connectedAtMs = Date.now();
  lastCommandAtMs = this.connectedAtMs;
  noEvict = false;
  private lastArgv: readonly string[] | undefined;
  private readonly parser: RespParser;
  /** Inside `onData`: a close requested now (QUIT, CLIENT KILL of itself) waits for the replies. */
  private processing = false;
  private closing = false;
  /** CLIENT REPLY state: replies silenced until ON, or for the current and the next command. */
  private repliesOff = false;
  private skipCurrent = false;
  private skipNext = false;
  /** Out-of-band replies produced while a command of this client was running. */
  private pushed = '';
  /** Parked by a blocking command: input waits in the parser until it is answered. */
  private parked = false;
  /** Replies wait there while the append-only log makes the writes they acknowledge durable. */
  private readonly output: HeldOutput;
  /** Log records sealed before the current batch (see DurabilityPort). */
  private batchMark = 0;

  constructor(
    private readonly socket: Socket,
    private readonly deps: ConnectionDeps,
  ) {
    this.session = deps.engine.newSession('resp', !deps.credentials.required);
    this.addr = endpoint(socket.remoteAddress, socket.remotePort);
    this.laddr = endpoint(socket.localAddress, socket.localPort);
    this.parser = new RespParser(deps.limits);
    this.output = new HeldOutput(deps.engine.durability, (text) => this.write(text), () => !socket.destroyed);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => socket.resume());
    socket.on('timeout', () => this.onIdle());
    // Resets and aborted connections are routine; the socket closes either way.
    socket.on('error', () => socket.destroy());
    socket.once('close', () => deps.engine.server.pubsub.unsubscribeAll(this.session.id));
    socket.once('close', () => deps.engine.endSession(this.session));
    this.applyIdleTimeout();
  }

  get blocked(): boolean {
    return this.parked;
  }

  get authRequired(): boolean {
    return this.deps.credentials.required;
  }

  /** CLIENT LIST's `cmd`: the last command, with its subcommand for containers (`client|list`). */
  get lastCommand(): string {
    const argv = this.lastArgv;
    if (argv === undefined) return 'NULL';
    const name = argv[0]!.toLowerCase();
    const spec = this.deps.engine.dispatcher.table.get(name);
    return spec?.subcommands !== undefined && argv.length > 1 ? `${name}|${argv[1]!.toLowerCase()}` : name;
  }

  checkCredentials(username: string, password: string): 'ok' | 'wrong' | 'unconfigured' {
    return this.deps.credentials.check(username, password);
  }

  queryBufferBytes(): number {
    return this.parser.pendingBytes();
  }

  outputBufferBytes(): number {
    return this.socket.writableLength;
  }

  /** Re-reads the idle timeout (CONFIG SET timeout applies to existing clients too, as in Redis). */
  applyIdleTimeout(): void {
    this.socket.setTimeout(this.deps.limits.idleTimeoutSeconds * 1000);
  }

  send(reply: Reply): void {
    if (this.closing || this.socket.destroyed) return;
    const text = encodeReply(reply, this.session.protocol);
    // During this client's own command (a RESP3 client publishing to itself) the push follows
    // that command's reply instead of overtaking the replies batched before it.
    if (this.processing) this.pushed += text;
    else this.output.sendAfterHeld(text);
  }

  setReplyMode(mode: 'on' | 'off' | 'skip'): void {
    this.repliesOff = mode === 'off';
    if (mode === 'skip') {
      this.skipCurrent = true;
      this.skipNext = true;
    } else {
      this.skipCurrent = this.skipNext = false;
    }
  }

  /** Whether CLIENT REPLY silences this reply; pushes (pub/sub confirmations and messages) never are. */
  private silenced(reply: Reply): boolean {
    return (this.repliesOff || this.skipCurrent) && !(reply instanceof PushReply);
  }

  /** QUIT / CLIENT KILL: a client closing itself gets its reply first; another one goes at once, as in Redis. */
  close(): void {
    if (this.processing) this.closing = true;
    else this.socket.destroy();
  }

  /** Stops reading and closes once everything written so far has been flushed (graceful shutdown). */
  closeAfterFlush(): void {
    if (this.socket.destroyed || this.socket.writableEnded) return;
    this.closing = true;
    const drained = this.output.drained;
    if (drained !== undefined) {
      void drained.then(() => this.closeAfterFlush());
      return;
    }
    // Destroy (close the descriptor) rather than half-close: a client still sending after a
    // protocol error must see its writes fail, as it does with Redis.
    if (this.socket.writableLength === 0) this.socket.destroy();
    else this.socket.end(() => this.socket.destroy());
  }

  /** Closes at once, dropping unsent replies. */
  terminate(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer | undefined): void {
    if (this.closing) return;
    this.processing = true;
    try {
      if (chunk !== undefined) this.parser.push(chunk);
      // A parked client's input waits, unanswered, as in Redis.
      if (!this.parked) this.runCommands();
    } catch (error) {
      this.deps.log('error', 'RESP connection failed; closing it', { client: this.addr, err: error });
      this.socket.destroy();
    } finally {
      this.processing = false;
    }
    if (this.closing) this.closeAfterFlush();
    else this.checkQueryBuffer();
  }

  /**
   * Runs the complete commands of one read as an execution unit for time: they run back to back
   * with nothing interleaved, so they share one reading of the engine's clock (refreshed every
   * few commands), as the commands of an EXEC do in Redis. A clock read costs about a sixth of a
   * pipelined SET.
   */
  private runCommands(): void {
    const nowMs = Date.now();
    const clock = this.deps.engine.store.clock;
    let unitNowMs = 0;
    const needsAuth = this.deps.credentials.required;
    this.batchMark = this.deps.engine.durability.sealedRecords;
    let out = '';
    for (let ran = 0; ; ran++) {
      this.parser.authRequired = needsAuth && !this.session.authenticated;
      const argv = this.parser.next();
      if (argv === undefined) break;
      if (argv instanceof ProtocolError) {
        out += encodeError(argv.message);
        this.closing = true;
        break;
      }
      if (isCrossProtocolAttack(argv)) {
        // An HTTP request sent to the RESP port: a web page trying to drive Larder through the
        // browser. Redis drops such a client without a reply (securityWarningCommand); so do we.
        this.deps.log('warn', 'possible cross-protocol attack: HTTP request on the RESP port; connection closed', { client: this.addr });
        this.socket.destroy();
        return;
      }
      this.lastArgv = argv;
      this.lastCommandAtMs = nowMs;
      if (ran % COMMANDS_PER_CLOCK_READ === 0) unitNowMs = clock.nowMs();
      const reply = this.execute(argv, unitNowMs);
      if (reply instanceof BlockedReply) {
        this.park(reply, out);
        return;
      }
      out += reply;
      if (this.pushed.length > 0) {
        out += this.pushed;
        this.pushed = '';
      }
      if (this.closing || this.socket.destroyed) break;
      if (out.length >= FLUSH_THRESHOLD_BYTES) {
        if (!this.flush(out, this.batchMark)) return;
        out = '';
      }
    }
    if (out.length > 0) this.flush(out, this.batchMark);
  }

  /** Replies so far go out now; the client then waits until the registry answers it. */
  private park(request: BlockedReply, out: string): void {
    if (out.length > 0 && !this.flush(out, this.batchMark)) return;
    this.parked = true;
    this.deps.engine.server.blocking.block(this.session, request, (reply) => this.unpark(reply));
  }

  private unpark(reply: Reply): void {
    this.parked = false;
    if (this.socket.destroyed) return;
    // The write that served it was sealed just now, inside another client's command.
    this.flush(encodeReply(reply, this.session.protocol), 0);
    // Input that arrived meanwhile runs on a later turn, not inside the command that served us.
    setImmediate(() => {
      if (!this.parked && !this.socket.destroyed) this.onData(undefined);
    });
  }

  private execute(argv: string[], nowMs: number): string | BlockedReply {
    try {
      const { dispatcher } = this.deps.engine;
      this.skipCurrent = this.skipNext;
      this.skipNext = false;
      const reply = subscribedModeRefusal(dispatcher, argv, this.session) ?? dispatcher.dispatchBlocking(argv, this.session, nowMs);
      if (reply instanceof BlockedReply) return reply;
      return this.silenced(reply) ? '' : encodeReply(reply, this.session.protocol);
    } catch (error) {
      // A handler bug must cost one reply, not the process.
      this.deps.log('error', 'command failed unexpectedly', { command: argv[0], err: error });
      return encodeError(Errors.internal().message);
    }
  }

  /** Writes a batch now, or once the log made its writes durable (HeldOutput). */
  private flush(text: string, mark: number): boolean {
    return this.output.send(text, mark);
  }

  /** Writes a batch; returns false when the client was dropped for exceeding the output limit. */
  private write(text: string): boolean {
    const flushed = this.socket.write(text, 'latin1');
    if (this.socket.writableLength > this.deps.limits.outputBufferLimitBytes) {
      this.deps.log('warn', 'closing client that exceeded the output buffer limit', {
        client: this.addr,
        outputBytes: this.socket.writableLength,
        limitBytes: this.deps.limits.outputBufferLimitBytes,
      });
      this.socket.destroy();
      return false;
    }
    // Stop reading until the client catches up: its replies then wait in TCP, not in our heap.
    if (!flushed) this.socket.pause();
    return true;
  }

  private checkQueryBuffer(): void {
    const pendingBytes = this.parser.pendingBytes();
    if (pendingBytes <= this.deps.limits.queryBufferLimitBytes) return;
    this.deps.log('warn', 'closing client that reached the query buffer limit', { client: this.addr, pendingBytes });
    this.socket.destroy();
  }

  private onIdle(): void {
    // A subscriber waits for messages, not for its own commands: Redis exempts it from `timeout`.
    if (this.deps.engine.server.pubsub.isSubscribed(this.session.id)) return;
    // A parked client is waiting on its own timeout, which Redis also exempts from `timeout`.
    if (this.parked) return;
    this.deps.log('info', 'closing idle client', { client: this.addr, idleTimeoutSeconds: this.deps.limits.idleTimeoutSeconds });
    this.socket.destroy();
  }
}
