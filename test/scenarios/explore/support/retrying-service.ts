// A small event/webhook service of its own kind (not the Triggers API), for exploring a user's service:
// events in memory, webhooks registered and removed by id, and each event delivered to every webhook,
// one attempt at a time, retried every 50 ms until it is answered 2xx. Planted bug `dropOn5xx`: a 5xx
// answer is taken as final and the delivery is dropped, so only a receiver answering 5xx exposes it.
// Creates are idempotent by their `key`, as a careful service's are: a key seen before answers the
// event it made, with no new delivery.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { jsonServer } from '../../../support/json-server.js';

/** A running service. */
export interface RetryingService {
  url: string;
  /** Webhooks registered now, by id. */
  webhooks: Map<string, string>;
  /** How many webhooks were ever registered. */
  registrations(): number;
  close(): Promise<void>;
}

/** Attempts per delivery before it is given up on: 3 s of retries, far past any explored fault window. */
const ATTEMPTS = 60;

/** The `http` adapter block that drives it. */
export const RETRYING_ADAPTER = {
  http: {
    create_event: { method: 'POST', path: '/events', body: { type: '{{event_type}}', seq: '{{seq}}', key: '{{idempotency_key}}' }, id: '$.id' },
    read_event: { path: '/events/{{id}}' },
    register_webhook: { method: 'POST', path: '/webhooks', body: { url: '{{receiver_url}}' }, id: '$.id' },
    unregister_webhook: { method: 'DELETE', path: '/webhooks/{{webhook_id}}' },
    receipt: { event_id: '$.event_id', delivery_id_header: 'webhook-id' },
  },
} as const;

/** Starts the service on 127.0.0.1; with `dropOn5xx`, the planted bug. */
export async function startRetryingService(options: { dropOn5xx?: boolean } = {}): Promise<RetryingService> {
  const events = new Map<string, unknown>();
  const byKey = new Map<string, string>();
  const webhooks = new Map<string, string>();
  let registrations = 0;
  let closed = false;
  const deliver = async (eventId: string, url: string) => {
    for (let attempt = 0; attempt < ATTEMPTS && !closed; attempt++) {
      const status = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'webhook-id': `dlv-${eventId}` }, body: JSON.stringify({ event_id: eventId }), signal: AbortSignal.timeout(2_000) }).then(
        (res) => (void res.body?.cancel(), res.status),
        () => 0,
      );
      if (status >= 200 && status < 300) return;
      if (options.dropOn5xx && status >= 500) return;
      await sleep(50);
    }
  };
  const server = jsonServer((req, body, send) => {
    const url = req.url ?? '/';
    if (req.method === 'POST' && url === '/events') {
      const created = JSON.parse(body) as { key?: string };
      const known = created.key === undefined ? undefined : byKey.get(created.key);
      if (known !== undefined) return send(200, { id: known });
      const id = randomUUID();
      if (created.key !== undefined) byKey.set(created.key, id);
      events.set(id, created);
      for (const hook of webhooks.values()) void deliver(id, hook);
      return send(201, { id });
    }
    const event = /^\/events\/([^/]+)$/.exec(url);
    if (req.method === 'GET' && event) return events.has(event[1]!) ? send(200, events.get(event[1]!)) : send(404, { error: 'not found' });
    if (req.method === 'POST' && url === '/webhooks') {
      const id = `wh-${++registrations}`;
      webhooks.set(id, (JSON.parse(body) as { url: string }).url);
      return send(201, { id });
    }
    const hook = /^\/webhooks\/([^/]+)$/.exec(url);
    if (req.method === 'DELETE' && hook) return webhooks.delete(hook[1]!) ? send(204, {}) : send(404, { error: 'not found' });
    if (req.method === 'GET' && url === '/') return send(200, { ok: true });
    send(404, { error: 'no route' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    webhooks,
    registrations: () => registrations,
    close: () => {
      closed = true;
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
