// @ts-check
// Child-process entry for the embedded DynamoDB: runs dynalite off the server's event loop (on the
// same loop it costs ~25–30 % of the server's throughput). Reports its port over IPC and exits when
// the parent goes away, so a killed server never leaves an orphan holding the data directory.
// JavaScript (type-checked through JSDoc), so Node runs it as it is, from the sources as from a build:
// under tsx's loader each start cost 0.3 s more CPU (loading dynalite itself costs 0.1 s), and the test
// suite starts a store more than a hundred times.
import { setTimeout } from 'node:timers';
import dynalite from 'dynalite';

/** Longest the store waits for requests in flight before exiting anyway. */
const DRAIN_MS = 10_000;

const path = process.env.DYNALITE_PATH || undefined;
const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });

// Requests whose writes may be under way. dynalite writes an item and its index entries in separate
// steps and keeps running a request whose client hung up, so a dead parent's last writes are still in
// flight when the IPC channel drops: exiting then would leave an item without its index entry.
let inFlight = 0;
/** @type {(() => void) | undefined} */
let drained;
server.prependListener('request', (/** @type {import('node:http').IncomingMessage} */ req, /** @type {import('node:http').ServerResponse} */ res) => {
  inFlight++;
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    if (--inFlight === 0) drained?.();
  };
  const end = /** @type {(...args: unknown[]) => import('node:http').ServerResponse} */ (res.end.bind(res));
  // dynalite answers every request it ran with res.end, after its writes; one whose body never
  // arrived was never run.
  res.end = /** @type {import('node:http').ServerResponse['end']} */ (
    (/** @type {unknown[]} */ ...args) => {
      finish();
      return end(...args);
    }
  );
  req.once('close', () => {
    if (!req.complete) finish();
  });
});

server.listen(Number(process.env.DYNALITE_PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.send?.({ type: 'ready', port });
});
server.on('error', (/** @type {Error} */ err) => {
  process.send?.({ type: 'error', message: err.message });
  process.exit(1);
});

let stopping = false;
/**
 * Finishes requests in flight (bounded), then closes the server and the database, then exits. Once
 * stopping, each response closes its connection: clients that keep polling on keep-alive connections
 * (workers) would otherwise hold server.close() open for ever.
 */
const stop = () => {
  if (stopping) return;
  stopping = true;
  server.on('request', (/** @type {unknown} */ _req, /** @type {import('node:http').ServerResponse} */ res) => void (res.headersSent || res.setHeader('connection', 'close')));
  let closing = false;
  const close = () => {
    if (closing) return;
    closing = true;
    server.close(() => process.exit(0));
  };
  if (inFlight === 0) return close();
  drained = close;
  setTimeout(close, DRAIN_MS).unref();
};
process.on('disconnect', stop);
process.on('SIGTERM', stop);
