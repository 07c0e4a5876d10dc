// The embedded store finishes the writes in flight before it exits when its parent dies: every item
// is found through its index afterwards. dynalite writes an index entry and its item in separate
// steps, so a store that exited at once on the parent's death left items without index entries.
import { DynamoDBClient, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startEmbeddedDynamo } from '../../../reference-server/src/store/embedded-dynalite.js';
import { spawnEntry } from '../../support/spawn-entry.js';
import { waitFor } from '../../support/wait-for.js';
import { isAlive } from '../../support/process-alive.js';

const dir = mkdtempSync(join(tmpdir(), 'aftershock-store-exit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ROUNDS = Number(process.env.STORE_EXIT_ROUNDS ?? 2);

/** Every key read page by page, from the base table or the index. */
async function ids(client: DynamoDBClient, index?: string): Promise<string[]> {
  const out: string[] = [];
  let start: Record<string, never> | undefined;
  do {
    const page = index
      ? await client.send(new QueryCommand({ TableName: 'writes', IndexName: index, KeyConditionExpression: 'q = :q', ExpressionAttributeValues: { ':q': { S: 'all' } }, ExclusiveStartKey: start }))
      : await client.send(new ScanCommand({ TableName: 'writes', ProjectionExpression: 'id', ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) out.push(item.id!.S!);
    start = page.LastEvaluatedKey as typeof start;
  } while (start);
  return out.sort();
}

it(`keeps item and index whole when the parent is killed mid-write (${ROUNDS} rounds)`, { timeout: 30_000 + ROUNDS * 15_000 }, async () => {
  const path = join(dir, 'store');
  for (let round = 0; round < ROUNDS; round++) {
    const parent = await spawnEntry(resolve(import.meta.dirname, 'fixtures/store-writer.ts'), { STORE_PATH: path, ROUND: String(round) }, (out) => out.includes('store_pid='));
    const pid = Number(/store_pid=(\d+)/.exec(parent.output())?.[1]);
    expect(pid, `the writer never reported the store's pid; its output:\n${parent.output()}`).toBeGreaterThan(0);
    parent.child.kill('SIGKILL');
    await parent.exited;
    await waitFor(() => !isAlive(pid), { timeoutMs: 12_000, message: 'the orphaned store to exit' });
  }
  const db = await startEmbeddedDynamo({ path });
  const client = new DynamoDBClient({ endpoint: db.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'k', secretAccessKey: 's' } });
  try {
    const items = await ids(client);
    expect(items.length).toBeGreaterThan(ROUNDS * 200);
    expect(await ids(client, 'q-index')).toEqual(items);
  } finally {
    client.destroy();
    await db.stop();
  }
});
