// Child-process entry for the embedded DynamoDB: runs dynalite off the server's event loop (on the
// same loop it costs ~25–30 % of the server's throughput). Reports its port over IPC and exits when
// the parent goes away, so a killed server never leaves an orphan holding the data directory.
import dynalite from 'dynalite';

const path = process.env.DYNALITE_PATH || undefined;
const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });

server.listen(Number(process.env.DYNALITE_PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.send?.({ type: 'ready', port });
});
server.on('error', (err: Error) => {
  process.send?.({ type: 'error', message: err.message });
  process.exit(1);
});

// Once stopping, each response closes its connection: clients that keep polling on keep-alive
// connections (workers) would otherwise hold server.close() open for ever.
const stop = () => {
  server.on('request', (_req, res) => void (res.headersSent || res.setHeader('connection', 'close')));
  server.close(() => process.exit(0));
};
process.on('disconnect', stop);
process.on('SIGTERM', stop);
