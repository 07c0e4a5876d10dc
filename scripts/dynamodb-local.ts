// Starts AWS's DynamoDB Local in memory on 127.0.0.1 and prints the endpoint to use as DYNAMODB_ENDPOINT.
// `npm run dynamodb-local [-- --port 8000] [-- --exec "npm test"]` runs a command against it and stops it.
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { startDynamoDbLocal } from '../reference-server/src/store/dynamodb-local.js';

const { values } = parseArgs({ options: { port: { type: 'string', default: '8000' }, exec: { type: 'string' } } });
let local;
try {
  local = await startDynamoDbLocal({ port: Number(values.port) });
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
const { endpoint, stop } = local;
console.log(`DynamoDB Local ready at ${endpoint}\n  DYNAMODB_ENDPOINT=${endpoint}`);

process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
if (values.exec) {
  const child = spawn(values.exec, { shell: true, stdio: 'inherit', env: { ...process.env, DYNAMODB_ENDPOINT: endpoint } });
  child.on('exit', (code) => {
    process.exitCode = code ?? 1;
    void stop();
  });
}
