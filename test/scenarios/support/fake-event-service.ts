// A small event/webhook service on 127.0.0.1 for the runner's proof tests, reached through the `http`
// adapter: it can be told to lose events, deliver one twice at once, fail until a scripted moment
// after a heal, ignore heals, answer rule changes late, or have its chaos off. It also speaks the
// `/_chaos` control API (every rule refuses creates with 503 while installed), and records what it got.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the fake misbehaves. */
export interface FakeBehaviour {
  /** Answers 201 to every n-th create but never stores it (a lost event). */
  loseEvery?: number;
  /** Delivers this create (by 1-based count) twice at the same time, same delivery id. */
  doubleDeliver?: number;
  /** After a chaos rule is healed, keep failing creates with 503 for this long (ms). */
  recoverAfterHealMs?: number;
  /** Ignore heals: DELETE and POST /_chaos/heal answer success but the rule stays. */
  neverHeal?: boolean;
  /** Answers rule changes (PUT, DELETE, POST heal) this long after making them, as a busy control API would. */
  controlDelayMs?: number;
  /** Its chaos engine is off: `GET /_chaos/rules` says `enabled: false`, and rules never fire. */
  chaosOff?: boolean;
}

/** A running fake. */
export interface FakeEventService {
  url: string;
  /** Chaos control calls received, in order (`PUT /_chaos/rules`, `DELETE /_chaos/rules/x`, …). */
  controlCalls: string[];
  /** Rules currently in force. */
  rules(): string[];
  close(): Promise<void>;
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** Starts the fake with `behaviour`; it answers 200 to `GET /` (readiness). */
export async function startFakeEventService(behaviour: FakeBehaviour = {}): Promise<FakeEventService> {
  const events = new Map<string, unknown>();
  const subscribers: string[] = [];
  const rules = new Map<string, unknown>();
  // Creates a rule refused, by rule id: what the target's engine would count as its injections.
  const injections = new Map<string, number>();
  const controlCalls: string[] = [];
  let creates = 0;
  let failingUntil = 0;
  const deliver = (eventId: string, copies: number) => {
    const deliveryId = `dlv-${eventId}`;
    for (const url of subscribers) {
      for (let i = 0; i < copies; i++) {
        void fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'webhook-id': deliveryId }, body: JSON.stringify({ event: { id: eventId } }) }).catch(() => undefined);
      }
    }
  };
  const server: Server = createServer(async (req, res) => {
    const text = await body(req);
    const url = req.url ?? '/';
    const json = (status: number, value?: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(value === undefined ? '' : JSON.stringify(value));
    if (url.startsWith('/_chaos')) {
      controlCalls.push(`${req.method} ${url}`);
      if (req.method === 'GET' && url.startsWith('/_chaos/rules')) {
        return json(200, { enabled: !behaviour.chaosOff, rules: [...rules.keys()].map((id) => ({ id, count: injections.get(id) ?? 0 })) });
      }
      if (req.method === 'GET') return json(200, { entries: [] });
      const answer = (status: number, value?: unknown) => {
        if (!behaviour.controlDelayMs) return json(status, value);
        setTimeout(() => json(status, value), behaviour.controlDelayMs);
      };
      if (req.method === 'PUT') {
        for (const rule of (JSON.parse(text) as { rules: { id: string }[] }).rules) rules.set(rule.id, rule);
        return answer(200, { rules: [...rules.keys()] });
      }
      if (behaviour.neverHeal) return answer(req.method === 'DELETE' ? 204 : 200, { healed: 0 });
      if (req.method === 'DELETE') rules.delete(decodeURIComponent(url.split('/').pop()!));
      else rules.clear();
      if (rules.size === 0 && behaviour.recoverAfterHealMs !== undefined) failingUntil = Date.now() + behaviour.recoverAfterHealMs;
      return answer(req.method === 'DELETE' ? 204 : 200, { healed: 1 });
    }
    if (req.method === 'POST' && url === '/subscriptions') {
      subscribers.push((JSON.parse(text) as { url: string }).url);
      return json(201, { id: 'sub-1' });
    }
    if (req.method === 'POST' && url === '/events') {
      if (rules.size > 0 && !behaviour.chaosOff) {
        for (const id of rules.keys()) injections.set(id, (injections.get(id) ?? 0) + 1);
        return json(503, { error: 'unavailable' });
      }
      if (Date.now() < failingUntil) return json(503, { error: 'unavailable' });
      creates++;
      const id = randomUUID();
      if (behaviour.loseEvery === undefined || creates % behaviour.loseEvery !== 0) {
        events.set(id, JSON.parse(text));
        deliver(id, creates === behaviour.doubleDeliver ? 2 : 1);
      }
      return json(201, { data: { id } });
    }
    const read = /^\/events\/([^/]+)$/.exec(url);
    if (req.method === 'GET' && read) return events.has(read[1]!) ? json(200, events.get(read[1]!)) : json(404, { error: 'not found' });
    if (req.method === 'GET' && url === '/') return json(200, { ok: true });
    json(404, { error: 'no route' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    controlCalls,
    rules: () => [...rules.keys()],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The `http` adapter block that drives this fake. */
export const FAKE_ADAPTER = {
  http: {
    create_event: { method: 'POST', path: '/events', body: { type: '{{event_type}}', seq: '{{seq}}' }, id: '$.data.id' },
    read_event: { path: '/events/{{id}}' },
    register_webhook: { method: 'POST', path: '/subscriptions', body: { url: '{{receiver_url}}' } },
    receipt: { event_id: '$.event.id', delivery_id_header: 'webhook-id' },
  },
} as const;
