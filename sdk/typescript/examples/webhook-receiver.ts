// A webhook receiver: verifies each delivery with verifyWebhook against the raw body, deduplicates on
// the delivery id, answers 2xx at once. The example registers itself, creates an event and waits
// (bounded) for its delivery.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TriggersApiClient, verifyWebhook } from '../src/index.js';
import { runIfMain, type ExampleEnv } from './example-env.js';

/** Starts a verifying receiver on 127.0.0.1 (free port); `onEvent` sees each new, verified delivery once. */
export async function startVerifyingReceiver(secretOf: () => string, onEvent: (body: unknown, deliveryId: string) => void) {
  const seen = new Set<string>();
  const refused: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      const result = verifyWebhook(secretOf(), rawBody, req.headers);
      if (!result.ok) {
        refused.push(result.reason);
        res.writeHead(401).end();
        return;
      }
      res.writeHead(204).end();
      if (seen.has(result.webhookId)) return; // a redelivery: already handled
      seen.add(result.webhookId);
      onEvent(JSON.parse(rawBody.toString('utf8')), result.webhookId);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return { url: `http://127.0.0.1:${port}/hooks/triggers`, refused, close };
}

export async function webhookReceiver({ baseUrl, apiKey, log = console.log }: ExampleEnv, waitMs = 10_000) {
  const client = new TriggersApiClient({ apiKey, baseUrl });
  let secret = '';
  let resolveDelivery!: (body: unknown) => void;
  const delivered = new Promise<unknown>((resolve) => (resolveDelivery = resolve));
  const receiver = await startVerifyingReceiver(() => secret, (body) => {
    if ((body as { type: string }).type !== 'webhook.test') resolveDelivery(body);
  });
  try {
    const webhook = await client.webhooks.create({ url: receiver.url, events: ['order.*'], description: 'example receiver' });
    secret = webhook.secret; // shown only in this response: store it with the receiver
    const test = await client.webhooks.test(webhook.webhook_id);
    log('test send verified:', test.success, test.status_code);

    const event = await client.events.create({ source: 'shop', event_type: 'order.shipped', payload: { order: 42 } });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no delivery within ${waitMs} ms`)), waitMs);
    });
    const body = (await Promise.race([delivered, timeout]).finally(() => clearTimeout(timer))) as { type: string; data: { event_id: string } };
    log('verified delivery of', body.data.event_id, body.type);
    await client.webhooks.delete(webhook.webhook_id);
    return { testSuccess: test.success, eventId: event.event_id, deliveredEventId: body.data.event_id, refused: receiver.refused };
  } finally {
    await receiver.close();
  }
}

runIfMain(import.meta.url, (env) => webhookReceiver(env));
