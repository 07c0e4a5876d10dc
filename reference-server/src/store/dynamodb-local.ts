// AWS's DynamoDB Local (the jar shipped in the amplify-dynamodb-simulator package) as a child process:
// Java 17, in memory, telemetry off, on 127.0.0.1. The full-fidelity backend for suites that need what
// dynalite lacks, such as DynamoDB Streams.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface DynamoDbLocal {
  endpoint: string;
  stop(): Promise<void>;
}

/** Starts DynamoDB Local on `port` (a free one when omitted) and resolves once it serves requests. */
export async function startDynamoDbLocal(opts: { port?: number; timeoutMs?: number } = {}): Promise<DynamoDbLocal> {
  const jarDir = join(dirname(createRequire(import.meta.url).resolve('amplify-dynamodb-simulator/package.json')), 'emulator');
  const port = opts.port ?? (await freePort());
  const java = spawn(
    'java',
    [`-Djava.library.path=${join(jarDir, 'DynamoDBLocal_lib')}`, '-jar', join(jarDir, 'DynamoDBLocal.jar'), '-inMemory', '-port', String(port), '-disableTelemetry'],
    { cwd: jarDir, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => java.once('exit', () => resolve()));
  const stop = async () => {
    if (java.exitCode === null) java.kill('SIGTERM');
    await exited;
  };
  const endpoint = `http://127.0.0.1:${port}`;
  // Ready when a table can be created: DynamoDB Local answers some calls before it is fully up.
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  try {
    for (;;) {
      try {
        await client.send(new CreateTableCommand({ TableName: 'probe', BillingMode: 'PAY_PER_REQUEST', KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }] }));
        await client.send(new DeleteTableCommand({ TableName: 'probe' }));
        return { endpoint, stop };
      } catch (err) {
        if (java.exitCode !== null || Date.now() > deadline) {
          await stop();
          throw new Error(`DynamoDB Local did not start: ${(err as Error).message}`);
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  } finally {
    client.destroy();
  }
}

/** A port nobody listens on right now (DynamoDB Local cannot pick one itself). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
