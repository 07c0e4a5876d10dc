// The adapter for the Triggers API (and anything compatible with it): a key of its own (so its own
// tenant), webhooks to the runner's receiver for every event type, and a read-back through the
// inbox, the events, the webhooks, the dead-letter queue and the analytics summary.
import type { IncomingHttpHeaders } from 'node:http';
import type { FinalDlqEntry, FinalEvent, FinalWebhook } from '../history/history.js';
import { ScenarioError } from '../scenario/scenario-error.js';
import type { Adapter, OpAnswer } from './adapter.js';
import { timedRequest } from './timed-request.js';

/** A request that sees no answer in this long counts as outcome unknown (`info`). */
const REQUEST_TIMEOUT_MS = 10_000;

interface Connection {
  baseUrl: string;
  adminToken: string | undefined;
  runId: string;
}

/**
 * Connects the adapter. `setup` throws `ScenarioError` `target_unreachable` when the service does not
 * answer, `setup_failed` when it refuses the key or a webhook.
 */
export function triggersApiAdapter(conn: Connection): Adapter {
  let apiKey = '';
  const registered: FinalWebhook[] = [];
  const call = (method: string, path: string, opts: { body?: unknown; token?: string; headers?: Record<string, string>; signal?: AbortSignal } = {}) =>
    timedRequest(
      conn.baseUrl + path,
      {
        method,
        headers: { authorization: `Bearer ${opts.token ?? apiKey}`, ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }), ...opts.headers },
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      },
      REQUEST_TIMEOUT_MS,
      opts.signal,
    );
  const json = (text: string): Record<string, unknown> => {
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      return {};
    }
  };
  const answer = (res: { status: number; text: string; error?: string }, extra: Record<string, unknown> = {}): OpAnswer => ({
    status: res.status,
    ok: res.status >= 200 && res.status < 300,
    value: { status: res.status || undefined, ...(res.error ? { error: res.error } : {}), ...extra },
  });

  return {
    async setup(webhookUrl, webhooks) {
      if (!conn.adminToken) throw new ScenarioError('invalid_options', 'the triggers-api adapter needs an admin token: set the variable target.admin_token_env names');
      const key = await call('POST', '/v1/api-keys', { token: conn.adminToken, body: { name: `aftershock-${conn.runId}`, tier: 'enterprise' } });
      if (key.status === 0) throw new ScenarioError('target_unreachable', `cannot reach ${conn.baseUrl} (${key.error}); is the service running?`);
      if (key.status !== 201) throw new ScenarioError('setup_failed', `creating the run's API key answered ${key.status}: ${key.text.slice(0, 200)}`);
      apiKey = String(json(key.text).api_key);
      for (let i = 0; i < webhooks; i++) {
        const res = await call('POST', '/v1/webhooks', { body: { url: webhookUrl, events: ['*'], description: `aftershock ${conn.runId} #${i + 1}` } });
        if (res.status !== 201) throw new ScenarioError('setup_failed', `registering a webhook answered ${res.status}: ${res.text.slice(0, 200)}`);
        registered.push({ webhook_id: String(json(res.text).webhook_id), event_types: ['*'] });
      }
      return registered.map((w) => w.webhook_id);
    },

    async createEvent(input, signal) {
      const body = { source: 'aftershock', event_type: input.event_type, payload: { run: conn.runId, seq: input.seq } };
      const res = await call('POST', '/v1/events', { body, headers: { 'idempotency-key': input.idempotency_key }, signal });
      const id = res.status === 201 || res.status === 200 ? json(res.text).event_id : undefined;
      return answer(res, { idempotency_key: input.idempotency_key, event_type: input.event_type, source: 'aftershock', ...(typeof id === 'string' ? { event_id: id } : {}) });
    },

    async readEvent(eventId, signal) {
      return answer(await call('GET', `/v1/events/${encodeURIComponent(eventId)}`, { signal }), { event_id: eventId });
    },

    identify(headers: IncomingHttpHeaders, body: string) {
      const parsed = json(body) as { delivery_id?: string; webhook_id?: string; data?: { event_id?: string } };
      return {
        delivery_id: String(headers['webhook-id'] ?? parsed.delivery_id ?? ''),
        event_id: String(parsed.data?.event_id ?? ''),
        webhook_id: String(parsed.webhook_id ?? ''),
      };
    },

    async probe(path) {
      return (await call('GET', path)).status;
    },

    async finalRead(created, now) {
      const events: Record<string, FinalEvent> = {};
      // The inbox lists every event of the run's tenant (the runner never acknowledges), including
      // those whose create answer was lost: that is how an `info` create is resolved.
      for (let cursor: string | undefined, pages = 0; pages < 1_000; pages++) {
        const res = await call('GET', `/v1/inbox?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        if (res.status !== 200) throw new ScenarioError('setup_failed', `reading the inbox back answered ${res.status}`);
        const page = json(res.text) as { events?: { event_id: string; event_type: string; source: string; payload?: { seq?: number } }[]; next_cursor?: string | null };
        for (const e of page.events ?? []) {
          const seq = e.payload?.seq;
          events[e.event_id] = { readable: true, event_type: e.event_type, source: e.source, ...(seq === undefined ? {} : { idempotency_key: `${conn.runId}-${seq}` }) };
        }
        if (!page.next_cursor) break;
        cursor = page.next_cursor;
      }
      for (const id of created.ids) {
        if (events[id]) continue;
        const res = await call('GET', `/v1/events/${encodeURIComponent(id)}`);
        const e = json(res.text) as { event_type?: string; source?: string };
        events[id] = { readable: res.status === 200, event_type: e.event_type ?? '', source: e.source };
      }
      const dlq: FinalDlqEntry[] = [];
      for (let cursor: string | undefined, pages = 0; pages < 1_000; pages++) {
        const res = await call('GET', `/v1/webhooks/dlq?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        const page = json(res.text) as { entries?: FinalDlqEntry[]; next_cursor?: string | null };
        for (const d of page.entries ?? []) dlq.push({ delivery_id: d.delivery_id, event_id: d.event_id, webhook_id: d.webhook_id });
        if (!page.next_cursor) break;
        cursor = page.next_cursor;
      }
      const summary = json((await call('GET', '/v1/analytics/summary?top=100')).text) as {
        total_events?: number;
        top_sources?: { source: string; count: number }[];
        top_event_types?: { event_type: string; count: number }[];
      };
      return {
        kind: 'final',
        events,
        webhooks: registered,
        dlq,
        analytics:
          summary.total_events === undefined
            ? undefined
            : {
                total: summary.total_events,
                by_type: Object.fromEntries((summary.top_event_types ?? []).map((t) => [t.event_type, t.count])),
                by_source: Object.fromEntries((summary.top_sources ?? []).map((s) => [s.source, s.count])),
              },
        time: now(),
      };
    },
  };
}
