// Starts AWS's DynamoDB Local (the jar shipped in the amplify-dynamodb-simulator package) with
// Java 17, in memory, telemetry off, on 127.0.0.1. Prints the endpoint to use as DYNAMODB_ENDPOINT.
// `npm run dynamodb-local [-- --port 8000] [-- --exec "npm test"]` runs a command against it and stops it.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';

const { values } = parseArgs({ options: { port: { type: 'string', default: '8000' }, exec: { type: 'string' } } });
const jarDir = join(dirname(createRequire(import.meta.url).resolve('amplify-dynamodb-simulator/package.json')), 'emulator');
const port = Number(values.port);
const java = spawn(
  'java',
  [`-Djava.library.path=${join(jarDir, 'DynamoDBLocal_lib')}`, '-jar', join(jarDir, 'DynamoDBLocal.jar'), '-inMemory', '-port', String(port), '-disableTelemetry'],
  { cwd: jarDir, stdio: ['ignore', 'pipe', 'inherit'] },
);
java.stdout.resume();
const endpoint = `http://127.0.0.1:${port}`;

// Ready when a table can be created (DynamoDB Local answers before it is fully up).
const client = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
const deadline = Date.now() + 60_000;
for (;;) {
  try {
    await client.send(new CreateTableCommand({ TableName: 'probe', BillingMode: 'PAY_PER_REQUEST', KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }] }));
    await client.send(new DeleteTableCommand({ TableName: 'probe' }));
    break;
  } catch (err) {
    if (java.exitCode !== null || Date.now() > deadline) {
      console.error(`DynamoDB Local did not start: ${(err as Error).message}`);
      process.exit(1);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
client.destroy();
console.log(`DynamoDB Local ready at ${endpoint}\n  DYNAMODB_ENDPOINT=${endpoint}`);

const stop = () => java.kill('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
if (values.exec) {
  const child = spawn(values.exec, { shell: true, stdio: 'inherit', env: { ...process.env, DYNAMODB_ENDPOINT: endpoint } });
  child.on('exit', (code) => {
    stop();
    process.exitCode = code ?? 1;
  });
}
