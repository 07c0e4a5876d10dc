// Starts AWS's DynamoDB Local in memory on 127.0.0.1 and prints the endpoint to use as DYNAMODB_ENDPOINT.
// `npm run dynamodb-local [-- --port 8000] [-- --exec "npm test"]` runs a command against it and stops it.
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { startDynamoDbLocal } from '../reference-server/src/store/dynamodb-local.js';

const usage = `usage: npm run dynamodb-local [-- --port 8000] [-- --exec "command"]

Starts AWS's DynamoDB Local (Java 17, in memory, telemetry off) on 127.0.0.1 and prints the endpoint
to use as DYNAMODB_ENDPOINT. With --exec, runs the command with DYNAMODB_ENDPOINT set, then stops.

options:
  --port N        port to listen on (default 8000)
  --exec COMMAND  run COMMAND against it and exit with its code
  -h, --help      show this help`;

let parsed;
try {
  parsed = parseArgs({ options: { port: { type: 'string', default: '8000' }, exec: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } } });
} catch (err) {
  console.error(`dynamodb-local: ${(err as Error).message.replace(/\s*\n\s*/g, ' ')} (see --help)`);
  process.exit(2);
}
const { values } = parsed;
if (values.help) {
  console.log(usage);
  process.exit(0);
}
if (!/^\d+$/.test(values.port) || Number(values.port) > 65_535) {
  console.error(`dynamodb-local: --port must be a port number (0-65535), got ${values.port}`);
  process.exit(2);
}
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
