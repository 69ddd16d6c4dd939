import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PushReply } from '../../src/commands/reply.js';
import { frame, RawClient, startResp, type RespHarness } from './harness.js';

/** Connection-level commands, byte for byte, over a raw socket. */

let larder: RespHarness;
let client: RawClient;

beforeAll(async () => {
  larder = await startResp();
});
afterAll(() => larder.close());
afterEach(() => client?.close());

async function reply(command: string[], expectedLength: number): Promise<string> {
  return client.roundTrip(frame(...command), expectedLength);
}

/** Sends a command and checks its reply byte for byte. */
async function expectReply(command: string[], expected: string): Promise<void> {
  expect(await reply(command, expected.length)).toBe(expected);
}

describe('HELLO', () => {
  it('switches to RESP3 and answers the handshake map in the new protocol', async () => {
    client = await RawClient.connect(larder.port);
    const text = await client.send(frame('HELLO', '3')).until((t) => t.includes('modules\r\n*0\r\n'));
    expect(text.startsWith('%7\r\n$6\r\nserver\r\n$6\r\nlarder\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:')).toBe(true);
    expect(text).toContain('$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n');
    await expectReply(['GET', 'missing'], '_\r\n');
    expect(await reply(['HELLO', '2'], 4)).toMatch(/^\*14\r\n/);
    await client.until((t) => t.endsWith('$7\r\nmodules\r\n*0\r\n'));
    await expectReply(['GET', 'missing'], '$-1\r\n');
  });

  it("refuses bad versions and options with Redis's texts", async () => {
    client = await RawClient.connect(larder.port);
    await expectReply(['HELLO', '4'], '-NOPROTO unsupported protocol version\r\n');
    await expectReply(['HELLO', 'x'], '-ERR Protocol version is not an integer or out of range\r\n');
    await expectReply(['HELLO', '3', 'BOGUS'], "-ERR Syntax error in HELLO option 'BOGUS'\r\n");
    await expectReply(['HELLO', '3', 'SETNAME', 'a b'], 
      '-ERR Client names cannot contain spaces, newlines or special characters.\r\n',
    );
  });

  it('sets the client name with SETNAME', async () => {
    client = await RawClient.connect(larder.port);
    await client.send(frame('HELLO', '2', 'SETNAME', 'worker-1')).until((t) => t.endsWith('*0\r\n'));
    await expectReply(['CLIENT', 'GETNAME'], '$8\r\nworker-1\r\n');
  });
});

describe('CLIENT', () => {
  it('reports its id, name and itself in CLIENT INFO / LIST', async () => {
    client = await RawClient.connect(larder.port);
    const id = (await reply(['CLIENT', 'ID'], 3)).slice(1, -2);
    await expectReply(['CLIENT', 'GETNAME'], '$-1\r\n');
    await expectReply(['CLIENT', 'SETNAME', 'probe'], '+OK\r\n');
    const info = await client.send(frame('CLIENT', 'INFO')).until((t) => t.endsWith('resp=2\n\r\n'));
    expect(info).toContain(`id=${id} addr=127.0.0.1:`);
    expect(info).toContain('name=probe');
    expect(info).toContain('cmd=client|info');
    const list = await client.send(frame('CLIENT', 'LIST', 'ID', id)).until((t) => t.split('resp=2\n').length > 2);
    expect(list).toContain(`id=${id} `);
  });

  it('kills another client by id and answers No such client for an unknown address', async () => {
    client = await RawClient.connect(larder.port);
    const victim = await RawClient.connect(larder.port);
    const victimId = (await victim.roundTrip(frame('CLIENT', 'ID'), 3)).slice(1, -2);
    await expectReply(['CLIENT', 'KILL', 'ID', victimId], ':1\r\n');
    await victim.waitClosed();
    await expectReply(['CLIENT', 'KILL', '1.2.3.4:5'], '-ERR No such client\r\n');
    await expectReply(['CLIENT', 'KILL', 'ID', '0'], '-ERR client-id should be greater than 0\r\n');
  });

  it('CLIENT REPLY OFF silences replies until ON; SKIP silences only the next command', async () => {
    client = await RawClient.connect(larder.port);
    // Sent as one pipeline: only the replies that are not silenced may come back, in order.
    const pipeline = [
      frame('CLIENT', 'REPLY', 'OFF'),
      frame('SET', 'reply-mode', '1'),
      frame('CLIENT', 'REPLY', 'ON'),
      frame('CLIENT', 'REPLY', 'SKIP'),
      frame('INCR', 'reply-mode'),
      frame('GET', 'reply-mode'),
    ].join('');
    const expected = '+OK\r\n$1\r\n2\r\n';
    expect(await client.roundTrip(pipeline, expected.length)).toBe(expected);
    await expectReply(['CLIENT', 'REPLY', 'MAYBE'], '-ERR syntax error\r\n');
  });

  it('answers an unknown subcommand as Redis does', async () => {
    client = await RawClient.connect(larder.port);
    await expectReply(['CLIENT', 'NOPE'], "-ERR unknown subcommand 'NOPE'. Try CLIENT HELP.\r\n");
  });
});

describe('QUIT, RESET, CONFIG, FUNCTION, DEBUG', () => {
  it('QUIT answers OK and closes the connection', async () => {
    client = await RawClient.connect(larder.port);
    client.send(frame('QUIT') + frame('PING'));
    expect(await client.waitClosed()).toBe('+OK\r\n');
  });

  it('RESET returns to database 0 and RESP2', async () => {
    client = await RawClient.connect(larder.port);
    await reply(['SELECT', '5'], 5);
    await reply(['SET', 'in5', 'x'], 5);
    await client.send(frame('HELLO', '3')).until((t) => t.endsWith('*0\r\n'));
    await expectReply(['RESET'], '+RESET\r\n');
    await expectReply(['GET', 'in5'], '$-1\r\n');
  });

  it('CONFIG GET / SET reach the live parameters and refuse unknown ones like Redis 7.0', async () => {
    client = await RawClient.connect(larder.port);
    await expectReply(['CONFIG', 'GET', 'maxclients'], '*2\r\n$10\r\nmaxclients\r\n$3\r\n100\r\n');
    await expectReply(['CONFIG', 'SET', 'maxclients', '50'], '+OK\r\n');
    await expectReply(['CONFIG', 'GET', 'maxclients'], '*2\r\n$10\r\nmaxclients\r\n$2\r\n50\r\n');
    await expectReply(['CONFIG', 'GET', 'no-such-thing'], '*0\r\n');
    const unknown = "-ERR Unknown option or number of arguments for CONFIG SET - 'no-such-thing'\r\n";
    await expectReply(['CONFIG', 'SET', 'no-such-thing', '1'], unknown);
    const invalid = "-ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument couldn't be parsed into an integer\r\n";
    await expectReply(['CONFIG', 'SET', 'maxclients', 'many'], invalid);
    await reply(['CONFIG', 'SET', 'maxclients', '100'], 5);
  });

  it('FUNCTION FLUSH succeeds on the empty library and DEBUG answers as a disabled DEBUG', async () => {
    client = await RawClient.connect(larder.port);
    await expectReply(['FUNCTION', 'FLUSH'], '+OK\r\n');
    await expectReply(['FUNCTION', 'LIST'], '*0\r\n');
    const start = client.received.length;
    const text = await client.send(frame('DEBUG', 'SLEEP', '0')).until((t) => t.length > start + 2 && t.endsWith('\r\n'));
    expect(text.slice(start)).toMatch(/^-ERR DEBUG command not allowed\. If the enable-debug-command option is set to "local"/);
  });

  it('INFO reports connections and commands in clients and stats', async () => {
    client = await RawClient.connect(larder.port);
    const text = await client.send(frame('INFO')).until((t) => t.includes('# Keyspace'));
    expect(text).toMatch(/connected_clients:\d+\r\n/);
    expect(text).toContain('maxclients:100\r\n');
    expect(text).toMatch(/total_connections_received:\d+\r\n/);
    expect(text).toMatch(/total_commands_processed:\d+\r\n/);
    expect(text).toMatch(/instantaneous_ops_per_sec:\d+\r\n/);
    expect(text).toContain('rejected_connections:0\r\n');
  });
});

describe('inline commands over the socket', () => {
  it('runs telnet-style commands with quotes', async () => {
    client = await RawClient.connect(larder.port);
    expect(await client.roundTrip('SET "inline key" \'a b\'\r\nGET "inline key"\r\n', 14)).toBe('+OK\r\n$3\r\na b\r\n');
  });
});

describe('out-of-band replies', () => {
  it('delivers a push to a connection in its protocol (array in RESP2, > in RESP3)', async () => {
    client = await RawClient.connect(larder.port);
    const id = Number((await reply(['CLIENT', 'ID'], 3)).slice(1, -2));
    const connection = larder.engine.server.clients.get(id)!;
    const message = new PushReply(['message', 'news', 'hi']);
    const start = client.received.length;
    connection.send(message);
    await client.until((t) => t.length >= start + 34);
    expect(client.received.slice(start)).toBe('*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n');
    await client.send(frame('HELLO', '3')).until((t) => t.endsWith('*0\r\n'));
    const afterHello = client.received.length;
    connection.send(message);
    await client.until((t) => t.length >= afterHello + 34);
    expect(client.received.slice(afterHello)).toBe('>3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n');
  });
});
