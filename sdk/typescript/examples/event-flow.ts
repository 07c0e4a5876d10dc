// The event lifecycle a consumer runs: producers create events (a repeat with the same idempotency
// key returns the original), the consumer drains the inbox page by page and acknowledges each one.
import { NotFoundError, TriggersApiClient } from '../src/index.js';
import { runIfMain, type ExampleEnv } from './example-env.js';

export async function eventFlow({ baseUrl, apiKey, log = console.log }: ExampleEnv) {
  const client = new TriggersApiClient({ apiKey, baseUrl });
  const batch = `batch-${Date.now()}`;

  // Producer: the idempotency key names the business fact, so sending it twice is harmless.
  const first = await client.events.create({ source: batch, event_type: 'invoice.paid', payload: { invoice: 1 } }, { idempotencyKey: `${batch}-invoice-1` });
  const again = await client.events.create({ source: batch, event_type: 'invoice.paid', payload: { invoice: 1 } }, { idempotencyKey: `${batch}-invoice-1` });
  log('same event on repeat:', first.event_id === again.event_id);
  for (let n = 2; n <= 5; n++) {
    await client.events.create({ source: batch, event_type: 'invoice.paid', payload: { invoice: n } }, { idempotencyKey: `${batch}-invoice-${n}` });
  }

  // Consumer: two events per page, oldest first; the iterator follows the cursors.
  const handled: number[] = [];
  for await (const event of client.inbox({ source: batch, limit: 2 })) {
    handled.push((event.payload as { invoice: number }).invoice);
    await client.events.ack(event.event_id);
  }
  log('handled invoices', handled);

  // Acknowledged events leave the inbox; deleting removes them for good.
  const left = await client.events.inboxPage({ source: batch });
  await client.events.delete(first.event_id);
  let gone = false;
  try {
    await client.events.get(first.event_id);
  } catch (err) {
    gone = err instanceof NotFoundError;
  }
  log('inbox after acks', left.events.length, 'deleted event gone', gone);
  return { sameOnRepeat: first.event_id === again.event_id, handled, left: left.events.length, gone };
}

runIfMain(import.meta.url, eventFlow);
