// Replaying the dead-letter queue: a receiver that was down let deliveries exhaust their retries;
// once it is fixed, replay them one by one or a whole time window, and watch them arrive.
import { TriggersApiClient } from '../src/index.js';
import { runIfMain, type ExampleEnv } from './example-env.js';

/** Polls `check` every 100 ms until it returns a value, or throws after `timeoutMs`. */
async function until<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} not seen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Replays every dead delivery of `webhookId`, then waits until each is delivered. */
export async function replayDeadLetters({ baseUrl, apiKey, log = console.log }: ExampleEnv, webhookId: string, timeoutMs = 15_000) {
  const client = new TriggersApiClient({ apiKey, baseUrl });
  const replayed: string[] = [];
  for await (const entry of client.webhooks.dlq({ webhook_id: webhookId })) {
    log('dead:', entry.delivery_id, entry.reason, 'after', entry.attempts, 'attempts');
    await client.webhooks.replayDlq(entry.delivery_id);
    replayed.push(entry.delivery_id);
  }
  // Or in one call: every dead delivery of the webhook created in a window.
  const window = await client.webhooks.replay(webhookId, { since: new Date(Date.now() - 3_600_000), until: new Date() });
  log('replayed one by one', replayed.length, 'and by window', window.replayed);

  await until('replayed deliveries delivered', timeoutMs, async () => {
    const page = await client.webhooks.deliveriesPage(webhookId, { status: 'delivered', limit: 100 });
    const done = new Set(page.deliveries.map((d) => d.delivery_id));
    return replayed.every((id) => done.has(id)) ? true : undefined;
  });
  const metrics = await client.webhooks.metrics(webhookId);
  log('delivered', metrics.delivered, 'success rate', metrics.success_rate);
  return { replayed, windowReplayed: window.replayed, delivered: metrics.delivered };
}

runIfMain(import.meta.url, async (env) => {
  const webhookId = process.argv[2];
  if (!webhookId) throw new Error('usage: npx tsx sdk/typescript/examples/dlq-replay.ts <webhook_id>');
  return replayDeadLetters(env, webhookId);
}, '<webhook_id>');
