// The embedded store on its own: dynalite in a child process of the caller, so several server and
// worker processes can share it and be killed and restarted without taking the data with them.
import { join } from 'node:path';
import { startEmbeddedDynamo } from './store/embedded-dynalite.js';

/** A running embedded store. */
export interface EmbeddedStore {
  /** Its URL, for `DYNAMODB_ENDPOINT` or `dynamodbEndpoint`. */
  endpoint: string;
  /** Stops it and waits (flushing an on-disk store). */
  stop(): Promise<void>;
}

/**
 * Starts dynalite in memory, or on disk under `<dataDir>/dynamodb` (the layout `npm start` uses).
 * Rejects when it does not start within 15 s.
 * @example const store = await startEmbeddedStore(); const server = await startServerProcess({ dynamodbEndpoint: store.endpoint, secretsKey });
 */
export async function startEmbeddedStore(options: { dataDir?: string } = {}): Promise<EmbeddedStore> {
  const db = await startEmbeddedDynamo({ path: options.dataDir === undefined ? undefined : join(options.dataDir, 'dynamodb') });
  return { endpoint: db.endpoint, stop: () => db.stop() };
}
