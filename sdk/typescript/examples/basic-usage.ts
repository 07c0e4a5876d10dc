// Basic usage: create an event, read it back, see it in the inbox, acknowledge it.
// Run: TRIGGERS_API_KEY=tr_… npx tsx sdk/typescript/examples/basic-usage.ts
import { TriggersApiClient } from '../src/index.js';
import { runIfMain, type ExampleEnv } from './example-env.js';

export async function basicUsage({ baseUrl, apiKey, log = console.log }: ExampleEnv) {
  const client = new TriggersApiClient({ apiKey, baseUrl, timeoutMs: 5_000 });

  const created = await client.events.create({ source: 'shop', event_type: 'order.created', payload: { order: 42 } });
  log('created', created.event_id, created.status);

  const read = await client.events.get(created.event_id);
  log('read back', read.event_type, read.payload);

  const pending: string[] = [];
  for await (const event of client.inbox({ source: 'shop' })) pending.push(event.event_id);
  log('pending in the inbox', pending.length);

  const acked = await client.events.ack(created.event_id);
  log('acknowledged at', acked.acknowledged_at);
  return { created, read, pending, acked };
}

runIfMain(import.meta.url, basicUsage);
