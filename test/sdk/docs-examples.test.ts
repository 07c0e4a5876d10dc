// docs/EXAMPLES.md cannot rot: every bash block runs against a real Triggers API (with real
// receivers) and its output is checked, and every TypeScript and Go block must still be an excerpt,
// line for line, of an example program that the SDK suites run.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TriggersApiClient } from '../../sdk/typescript/src/index.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { waitFor } from '../support/wait-for.js';

const root = resolve(import.meta.dirname, '../..');
const doc = readFileSync(join(root, 'docs/EXAMPLES.md'), 'utf8');
const blocks = [...doc.matchAll(/^```(\w+)([^\n]*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!, name: m[2]!.trim(), code: m[3]! }));
const bash = (name: string) => {
  const block = blocks.find((b) => b.lang === 'bash' && b.name === name);
  if (!block) throw new Error(`docs/EXAMPLES.md has no bash block named ${name}`);
  return block.code;
};
const RUNNERS = ['lifecycle', 'register-webhook', 'verify-webhook', 'signing', 'rotation', 'errors', 'dlq-replay'];

/** The lines of `text`, trimmed, without blank ones: excerpts may be re-indented. */
const lines = (text: string) => text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
const isExcerpt = (excerpt: string, file: string) => {
  const want = lines(excerpt);
  const have = lines(file);
  return have.some((_, i) => want.every((line, j) => have[i + j] === line));
};
const sources = (dir: string, pick: (name: string) => string | undefined) =>
  readdirSync(join(root, dir)).flatMap((name) => {
    const file = pick(name);
    return file ? [readFileSync(join(root, dir, file), 'utf8')] : [];
  });

let api: TestApi;
let receiver: Receiver;
let cwd: string;
beforeAll(async () => {
  api = await startTestApi({ ANALYTICS_ENABLED: 'false', WEBHOOK_RETRY_SCHEDULE: '50', WEBHOOK_RETRY_JITTER: '0' });
  receiver = await startReceiver();
  cwd = mkdtempSync(join(tmpdir(), 'examples-md-'));
});
afterAll(async () => {
  await api?.close();
  await receiver?.close();
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

/** Runs a block with bash -euo pipefail (20 s bound) and returns its stdout lines. */
async function run(name: string, env: Record<string, string>): Promise<string[]> {
  const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', bash(name)], { cwd, env: { PATH: process.env.PATH!, URL: api.url, ...env }, timeout: 20_000 });
  return stdout.trim().split('\n');
}
const keyEnv = async (body: Record<string, unknown> = { name: 'docs' }) => {
  const key = await api.createKey(body);
  return { KEY: key.api_key, KEY_ID: key.key_id, SIGNING_SECRET: key.signing_secret };
};

it('has a runner for every bash block, and every TypeScript and Go block is an excerpt of an executed example', () => {
  expect(blocks.filter((b) => b.lang === 'bash').map((b) => b.name).sort()).toEqual([...RUNNERS].sort());
  const ts = sources('sdk/typescript/examples', (n) => (n.endsWith('.ts') ? n : undefined));
  const go = sources('sdk/go/examples', (n) => (n === 'internal' ? undefined : `${n}/main.go`));
  const stale = blocks.filter((b) => (b.lang === 'ts' && !ts.some((f) => isExcerpt(b.code, f))) || (b.lang === 'go' && !go.some((f) => isExcerpt(b.code, f))));
  expect(stale.map((b) => b.code.split('\n')[0])).toEqual([]);
  expect(blocks.filter((b) => b.lang === 'ts').length).toBeGreaterThanOrEqual(6);
  expect(blocks.filter((b) => b.lang === 'go').length).toBeGreaterThanOrEqual(6);
});

it('event lifecycle with curl', async () => {
  expect(await run('lifecycle', await keyEnv())).toEqual(['pending', '1', 'acknowledged', '204']);
});

it('webhook registration with curl, and verification of the real test delivery with openssl', async () => {
  const out = await run('register-webhook', { ...(await keyEnv()), RECEIVER_URL: receiver.url });
  expect(out).toEqual([expect.stringMatching(/^whsec_/), 'true']);
  const delivery = receiver.received.at(-1)!;
  expect(JSON.parse(delivery.body).type).toBe('webhook.test');
  const env = { WEBHOOK_SECRET: out[0]!, WEBHOOK_TIMESTAMP: String(delivery.headers['x-webhook-timestamp']), WEBHOOK_SIGNATURE: String(delivery.headers['x-webhook-signature']) };
  writeFileSync(join(cwd, 'body.json'), delivery.body);
  expect(await run('verify-webhook', env)).toEqual(['verified']);
  writeFileSync(join(cwd, 'body.json'), delivery.body.replace('webhook.test', 'webhook.fake'));
  await expect(run('verify-webhook', env)).rejects.toThrow();
});

it('request signing with openssl, accepted by a key that requires it', async () => {
  expect(await run('signing', await keyEnv({ name: 'docs-signed', signing_mode: 'required' }))).toEqual(['pending']);
});

it('key rotation without downtime with curl', async () => {
  expect(await run('rotation', await keyEnv())).toEqual(['rotating', '200', '200', 'revoked', '401']);
});

it('error responses with curl', async () => {
  const out = await run('errors', await keyEnv());
  expect(out.slice(0, 2)).toEqual(['{"code":"validation_error","field":"body.source"}', 'not_found']);
  expect(out[2]).toMatch(/^x-request-id: req_/i);
});

it('DLQ replay with curl after a receiver outage', async () => {
  const env = await keyEnv();
  const failing = await startReceiver();
  try {
    failing.respond(() => ({ status: 503 }));
    const client = new TriggersApiClient({ apiKey: env.KEY, baseUrl: api.url });
    const hook = await client.webhooks.create({ url: failing.url, events: ['*'] });
    await client.events.create({ source: 'docs', event_type: 'order.created', payload: {} });
    await waitFor(async () => (await client.webhooks.dlqPage({ webhook_id: hook.webhook_id })).entries.length === 1, { message: 'a dead letter' });
    failing.respond(() => ({ status: 200 }));
    const out = await run('dlq-replay', { ...env, WEBHOOK_ID: hook.webhook_id });
    expect(out).toEqual([expect.stringMatching(/^dlv_[0-9a-f]+ \S/), 'pending', '0']);
    await waitFor(async () => (await client.webhooks.deliveriesPage(hook.webhook_id, { status: 'delivered' })).deliveries.length === 1, { message: 'the replayed delivery' });
  } finally {
    await failing.close();
  }
});
