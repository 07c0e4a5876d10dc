// A Triggers API on its own in-process dynalite whose index writes a test can tamper with: dynalite's
// storage helpers call `db.updateIndexes` through their module, so replacing it there tears index
// entries exactly as a store killed between an item's write and its index write would.
import dynalite from 'dynalite';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { startReceiver, type Receiver } from '../../../support/receiver.js';
import { startTestApi, type TestApi } from '../../../support/test-api.js';

/** dynalite's index update for one item write: `existing` is the old item, `item` the new one. */
export type IndexUpdate = (store: unknown, table: unknown, existing: Record<string, unknown> | null, item: Record<string, unknown> | null, cb: (err?: Error) => void) => void;

const dynaliteDb = createRequire(import.meta.url)('dynalite/db') as { updateIndexes: IndexUpdate };

/** A stack and a receiver over a dynalite whose index updates go through `tamper`. */
export interface IndexTearStack {
  api: TestApi;
  receiver: Receiver;
  close(): Promise<void>;
}

/** Starts the stack with `env`; `tamper(real)` returns the index update to use instead of `real`. */
export async function startIndexTearStack(tamper: (real: IndexUpdate) => IndexUpdate, env: Record<string, string>): Promise<IndexTearStack> {
  const real = dynaliteDb.updateIndexes;
  dynaliteDb.updateIndexes = tamper(real);
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const api = await startTestApi({ DYNAMODB_ENDPOINT: `http://127.0.0.1:${port}`, RATE_LIMIT_ENABLED: 'false', ...env });
  const receiver = await startReceiver();
  return {
    api,
    receiver,
    async close() {
      dynaliteDb.updateIndexes = real;
      await api.close();
      await receiver.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
