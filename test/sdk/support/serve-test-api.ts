// Starts a real Triggers API (in-memory dynalite, chaos engine on, fast webhook retries) for suites
// that are not vitest, such as the Go SDK's `go test`, and prints one JSON line with its URL and
// admin token. Stops on SIGTERM/SIGINT, when stdin closes, or after --max-seconds (default 300).
import { parseArgs } from 'node:util';
import { ADMIN_TOKEN, startTestApi } from '../../support/test-api.js';

const { values } = parseArgs({ options: { 'max-seconds': { type: 'string', default: '300' }, help: { type: 'boolean', short: 'h' } } });
if (values.help) {
  console.log('usage: tsx test/sdk/support/serve-test-api.ts [--max-seconds N]\nPrints {"url","admin_token"} on one line once the server is ready; stops on SIGTERM, SIGINT, stdin EOF or after N seconds.');
  process.exit(0);
}
const maxSeconds = Number(values['max-seconds']);
if (!Number.isFinite(maxSeconds) || maxSeconds <= 0) {
  console.error('--max-seconds must be a positive number of seconds');
  process.exit(2);
}

const api = await startTestApi(
  { WEBHOOK_RETRY_SCHEDULE: '50', WEBHOOK_RETRY_JITTER: '0', WEBHOOK_TIMEOUT_MS: '2000' },
  { chaos: { env: { CHAOS_ENABLED: 'true', CHAOS_SEED: '17' } } },
);
let stopping = false;
const stop = async (code: number) => {
  if (stopping) return;
  stopping = true;
  await api.close();
  process.exit(code);
};
process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));
process.stdin.on('end', () => void stop(0));
process.stdin.resume();
setTimeout(() => {
  console.error(`serve-test-api: stopping after ${maxSeconds} s`);
  void stop(0);
}, maxSeconds * 1000).unref();
console.log(JSON.stringify({ url: api.url, admin_token: ADMIN_TOKEN }));
