// The embedded store closes every LevelDB iterator a query or scan opens. dynalite 4.0.0 closed them
// through `iterator.return()`, which abstract-level 3 iterators do not have, so each Query and Scan
// left one open: on disk it pinned native memory (the store grew to gigabytes under load). The fix is
// patches/dynalite+4.0.0+001+iterator-close.patch (applied by patch-package on install); this test fails without it.
import { DynamoDBClient, CreateTableCommand, PutItemCommand, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { AbstractIterator, AbstractKeyIterator, AbstractLevel, AbstractValueIterator } from 'abstract-level';
import dynalite from 'dynalite';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from '../../support/wait-for.js';

// Counts the iterators the store has open, through abstract-level's own resource bookkeeping.
const open = new Set<unknown>();
const attach = AbstractLevel.prototype.attachResource;
const detach = AbstractLevel.prototype.detachResource;

let server: ReturnType<typeof dynalite>;
let client: DynamoDBClient;

beforeAll(async () => {
  AbstractLevel.prototype.attachResource = function (resource: unknown) {
    if (resource instanceof AbstractIterator || resource instanceof AbstractKeyIterator || resource instanceof AbstractValueIterator) open.add(resource);
    return attach.call(this, resource as never);
  };
  AbstractLevel.prototype.detachResource = function (resource: unknown) {
    open.delete(resource);
    return detach.call(this, resource as never);
  };
  server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  client = new DynamoDBClient({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials: { accessKeyId: 'k', secretAccessKey: 's' } });
  await client.send(
    new CreateTableCommand({
      TableName: 'iterators',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'queue', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [{ IndexName: 'queue-index', KeySchema: [{ AttributeName: 'queue', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
    }),
  );
  for (let i = 0; i < 20; i++) {
    await client.send(new PutItemCommand({ TableName: 'iterators', Item: { pk: { S: `k${i}` }, queue: { S: 'due' } } }));
  }
});

afterAll(async () => {
  AbstractLevel.prototype.attachResource = attach;
  AbstractLevel.prototype.detachResource = detach;
  client?.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

it('closes the iterator of every index query, read to the end or cut short by Limit', async () => {
  for (let i = 0; i < 25; i++) {
    await client.send(new QueryCommand({ TableName: 'iterators', IndexName: 'queue-index', KeyConditionExpression: '#q = :q', ExpressionAttributeNames: { '#q': 'queue' }, ExpressionAttributeValues: { ':q': { S: 'due' } } }));
    await client.send(new QueryCommand({ TableName: 'iterators', IndexName: 'queue-index', KeyConditionExpression: '#q = :q', ExpressionAttributeNames: { '#q': 'queue' }, ExpressionAttributeValues: { ':q': { S: 'due' } }, Limit: 3 }));
  }
  await waitFor(() => open.size === 0, { timeoutMs: 5_000, message: `no iterator left open (open: ${open.size})` }).catch(() => undefined);
  expect(open.size).toBe(0);
});

it('closes the iterator of every scan', async () => {
  for (let i = 0; i < 25; i++) {
    await client.send(new ScanCommand({ TableName: 'iterators' }));
    await client.send(new ScanCommand({ TableName: 'iterators', Limit: 2 }));
  }
  await waitFor(() => open.size === 0, { timeoutMs: 5_000 }).catch(() => undefined);
  expect(open.size).toBe(0);
});
