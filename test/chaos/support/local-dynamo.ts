// Starts an in-memory dynalite on a loopback port and builds real SDK clients for it, so the DynamoDB
// fault point is tested against the real AWS SDK talking to a real (local) DynamoDB engine.
import { createRequire } from 'node:module';
import type { AddressInfo, Server } from 'node:net';
import { CreateTableCommand, DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';

type Dynalite = (options: { createTableMs: number; deleteTableMs: number; updateTableMs: number }) => Server;
const dynalite = createRequire(import.meta.url)('dynalite') as Dynalite;

/** A running dynalite and a way to stop it. */
export interface LocalDynamo {
  endpoint: string;
  client(config?: Partial<DynamoDBClientConfig>): DynamoDBClient;
  createTable(name: string): Promise<void>;
  close(): Promise<void>;
}

/** Starts dynalite in memory on 127.0.0.1 with an ephemeral port. */
export async function startLocalDynamo(): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clients: DynamoDBClient[] = [];
  const client = (config: Partial<DynamoDBClientConfig> = {}) => {
    const c = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, ...config });
    clients.push(c);
    return c;
  };
  return {
    endpoint,
    client,
    async createTable(name) {
      await client().send(
        new CreateTableCommand({
          TableName: name,
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
    },
    async close() {
      for (const c of clients) c.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
