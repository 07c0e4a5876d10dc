// The store suites' common setup: one embedded dynalite for the test file, and for each test that asks
// a client on tables of its own (a fresh prefix), so tests never see each other's items.
import { afterAll, beforeAll } from 'vitest';
import { createDynamo, type Dynamo } from '../../reference-server/src/store/dynamo-client.js';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../reference-server/src/store/embedded-dynalite.js';
import { ensureTables, tableNames } from '../../reference-server/src/store/tables.js';

export interface FreshTables {
  dynamo: Dynamo;
  names: ReturnType<typeof tableNames>;
}

/**
 * Registers the file's dynalite (started before its tests, stopped after) and returns the function
 * that makes fresh tables, prefixed `tag` and a counter; `maxAttempts` is the client's SDK attempts.
 */
export function freshTablesFor(tag: string): (opts?: { maxAttempts?: number }) => Promise<FreshTables> {
  let db: EmbeddedDynamo | undefined;
  let seq = 0;
  beforeAll(async () => {
    db = await startEmbeddedDynamo();
  });
  afterAll(async () => db?.stop());
  return async (opts = {}) => {
    if (!db) throw new Error('fresh tables were asked for outside a test');
    const prefix = `${tag}${++seq}-`;
    const dynamo = createDynamo({ endpoint: db.endpoint, ...opts });
    await ensureTables(dynamo.client, prefix);
    return { dynamo, names: tableNames(prefix) };
  };
}
