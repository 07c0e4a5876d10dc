// The adapter for the Triggers API (and anything compatible with it), spoken through the project's
// TypeScript SDK: a key of its own (so its own tenant), webhooks to the runner's receiver for every
// event type, and a read-back through the inbox, the events, the dead-letter queue and the analytics
// summary; at teardown the webhooks are disabled and the key revoked. The SDK never retries here:
// each request the load sends is one operation of the history.
import type { IncomingHttpHeaders } from 'node:http';
import { NetworkError, TimeoutError, TriggersApiClient, TriggersApiError } from '../../sdk/typescript/src/index.js';
import type { FinalDlqEntry, FinalEvent, FinalWebhook } from '../history/history.js';
import { ScenarioError } from '../scenario/scenario-error.js';
import type { Adapter, OpAnswer } from './adapter.js';
import { jsonOf, timedRequest } from './timed-request.js';
import { undiciFetch } from './undici-fetch.js';

/** A request that sees no answer in this long counts as outcome unknown (`info`). */
const REQUEST_TIMEOUT_MS = 10_000;
/** Bounds every read-back listing, whatever the service answers for cursors. */
/** Items a listing page holds; the slack a listing's bound allows past what the run made. */
const PAGE = 100;

interface Connection {
  baseUrl: string;
  adminToken: string | undefined;
  /** Where the admin token came from (`AFTERSHOCK_ADMIN_TOKEN`), for an error that says what to fix. */
  adminTokenVariable?: string;
  runId: string;
}

/** A client that sends each call once: the history must see every outcome, a lost one included. */
function client(baseUrl: string, apiKey: string): TriggersApiClient {
  return new TriggersApiClient({ apiKey, baseUrl, timeoutMs: REQUEST_TIMEOUT_MS, retry: { maxAttempts: 1 }, fetch: undiciFetch });
}

/** An SDK call's outcome as the history records it: the status, and why there was none. Never throws. */
async function outcome<T>(call: (onResponse: (res: Response) => void) => Promise<T>, signal?: AbortSignal): Promise<{ status: number; result?: T; error?: string }> {
  let status = 0;
  try {
    const result = await call((res) => (status = res.status));
    return { status, result };
  } catch (err) {
    if (signal?.aborted) return { status: 0, error: 'AbortError' };
    if (err instanceof TimeoutError) return { status: 0, error: 'TimeoutError' };
    // The socket's own code (ECONNRESET, …) says more than "network error" in an `info` record.
    if (err instanceof NetworkError) return { status: 0, error: (err.cause as { code?: string } | undefined)?.code ?? 'NetworkError' };
    if (err instanceof TriggersApiError) return { status: err.status, error: err.code };
    // An answer the SDK could not read (a 2xx whose body is not JSON): the status stands, the id is unknown.
    return { status, error: (err as Error).name };
  }
}

function answer(res: { status: number; error?: string }, extra: Record<string, unknown>): OpAnswer {
  const ok = res.status >= 200 && res.status < 300;
  return { status: res.status, ok, value: { status: res.status || undefined, ...(res.error && res.status === 0 ? { error: res.error } : {}), ...extra } };
}

/**
 * Connects the adapter. `setup` throws `ScenarioError` `target_unreachable` when the service does not
 * answer, `setup_failed` when it refuses the key or a webhook.
 */
export function triggersApiAdapter(conn: Connection): Adapter {
  let api: TriggersApiClient | undefined;
  let apiKey = '';
  let keyId: string | undefined;
  const registered: FinalWebhook[] = [];
  /** Webhooks teardown has disabled (a second teardown leaves them be). */
  const disabled = new Set<string>();
  const tenant = () => {
    if (!api) throw new ScenarioError('setup_failed', 'the triggers-api adapter was used before its setup');
    return api;
  };

  // The service may have disabled a webhook during the run, as its endpoint health allows (a 410, too
  // many deliveries exhausted in a row); it then owes that webhook nothing more (the checker's part).
  // A webhook that cannot be read is taken as registered.
  const withState = async (hook: FinalWebhook): Promise<FinalWebhook> => {
    const state = (await outcome(() => tenant().webhooks.get(hook.webhook_id))).result;
    return state && !state.is_active && !disabled.has(hook.webhook_id) ? { ...hook, disabled_reason: state.disabled_reason ?? 'disabled' } : hook;
  };

  return {
    async setup(webhookUrl, webhooks) {
      if (!conn.adminToken) throw new ScenarioError('invalid_options', 'the triggers-api adapter needs an admin token: set the variable target.admin_token_env names');
      const admin = client(conn.baseUrl, conn.adminToken);
      const key = await outcome((onResponse) => admin.apiKeys.create({ name: `aftershock-${conn.runId}`, tier: 'enterprise' }, { onResponse }));
      if (key.status === 0) throw new ScenarioError('target_unreachable', `cannot reach ${conn.baseUrl} (${key.error}); is the service running?`);
      if (!key.result) {
        const hint = key.status === 401 || key.status === 403 ? `: the target refused the admin token${conn.adminTokenVariable ? ` in ${conn.adminTokenVariable}` : ''}; set it to the target's own` : '';
        throw new ScenarioError('setup_failed', `creating the run's API key answered ${key.status} ${key.error ?? ''}`.trim() + hint);
      }
      apiKey = key.result.api_key;
      keyId = key.result.key_id;
      api = client(conn.baseUrl, apiKey);
      for (let i = 0; i < webhooks; i++) {
        const hook = await outcome((onResponse) => tenant().webhooks.create({ url: webhookUrl, events: ['*'], description: `aftershock ${conn.runId} #${i + 1}` }, { onResponse }));
        if (!hook.result) throw new ScenarioError('setup_failed', `registering a webhook answered ${hook.status} ${hook.error ?? ''}`.trim());
        registered.push({ webhook_id: hook.result.webhook_id, event_types: ['*'] });
      }
      return registered.map((w) => w.webhook_id);
    },

    async createEvent(input, signal) {
      const body = { source: 'aftershock', event_type: input.event_type, payload: { run: conn.runId, seq: input.seq } };
      const value = { idempotency_key: input.idempotency_key, event_type: input.event_type, source: 'aftershock' };
      if (input.keyless) {
        // The SDK always sends a key (a retried create must not make two events): this one goes raw,
        // with the run's key (tenant() throws if setup has not made it yet).
        tenant();
        const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
        const res = await timedRequest(`${conn.baseUrl}/v1/events`, { method: 'POST', headers, body: JSON.stringify(body) }, REQUEST_TIMEOUT_MS, signal);
        const id = res.status >= 200 && res.status < 300 ? (jsonOf(res.text) as { event_id?: unknown } | undefined)?.event_id : undefined;
        return answer(res, { ...value, ...(typeof id === 'string' ? { event_id: id } : {}) });
      }
      const res = await outcome((onResponse) => tenant().events.create(body, { idempotencyKey: input.idempotency_key, signal, onResponse }), signal);
      const id = res.result?.event_id;
      return answer(res, { ...value, ...(typeof id === 'string' ? { event_id: id } : {}) });
    },

    async readEvent(eventId, signal) {
      return answer(await outcome((onResponse) => tenant().events.get(eventId, { signal, onResponse }), signal), { event_id: eventId });
    },

    identify(headers: IncomingHttpHeaders, body: string) {
      let parsed: { delivery_id?: string; webhook_id?: string; data?: { event_id?: string } } = {};
      try {
        parsed = JSON.parse(body) as typeof parsed;
      } catch {
        // A body that is not JSON identifies nothing; the header may still name the delivery.
      }
      return {
        delivery_id: String(headers['webhook-id'] ?? parsed.delivery_id ?? ''),
        event_id: String(parsed.data?.event_id ?? ''),
        webhook_id: String(parsed.webhook_id ?? ''),
      };
    },

    // Probes GET any path of the service (health included), which the SDK has no call for.
    async probe(path) {
      return (await timedRequest(conn.baseUrl + path, { headers: { authorization: `Bearer ${apiKey}` } }, REQUEST_TIMEOUT_MS)).status;
    },

    // Every run, and every schedule an exploration tries, makes a key with the highest tier: once the
    // run is read back nothing uses it, and left active on a long-running service it is one more
    // credential that works. Its webhooks point at the runner's receiver, which closes with the run:
    // left active, a delivery still unsettled (a stopped run, a service that had not settled) would be
    // retried against a closed port until the dead-letter queue. They are disabled first, with the
    // run's key (the service then cancels what is pending); the tenant's events, webhooks and
    // deliveries stay, for the dashboard to show.
    async teardown() {
      const problems: string[] = [];
      const failed = (res: { status: number; error?: string }) => `${res.status || res.error}${res.status ? ` ${res.error ?? ''}`.trimEnd() : ''}`;
      for (const hook of registered.filter((w) => !disabled.has(w.webhook_id))) {
        const res = await outcome((onResponse) => tenant().webhooks.update(hook.webhook_id, { is_active: false }, { onResponse }));
        if (res.status >= 200 && res.status < 300) disabled.add(hook.webhook_id);
        else problems.push(`disabling the run's webhook ${hook.webhook_id} answered ${failed(res)}; it stays active`);
      }
      // A webhook still active keeps the key: the key is what can disable it later (another teardown,
      // or by hand), and revoked it would leave the webhook retrying at a closed receiver until the DLQ.
      if (keyId !== undefined && problems.length > 0) problems.push(`the run's API key ${keyId} is left active, to disable ${problems.length === 1 ? 'that webhook' : 'those webhooks'} with`);
      else if (keyId !== undefined && conn.adminToken) {
        const id = keyId;
        const res = await outcome((onResponse) => client(conn.baseUrl, conn.adminToken!).apiKeys.revoke(id, { onResponse }));
        if (res.status >= 200 && res.status < 300) keyId = undefined;
        else problems.push(`revoking the run's API key ${id} answered ${failed(res)}; the key is left active`);
      }
      if (problems.length > 0) throw new Error(problems.join('; '));
    },

    async finalRead(created, now) {
      const events: Record<string, FinalEvent> = {};
      // The inbox lists every event of the run's tenant (the runner never acknowledges), including
      // those whose create answer was lost: that is how an `info` create is resolved.
      // The tenant is the run's own, so its inbox holds at most the events the run tried to create.
      await readPages(tenant().events.inbox({ limit: 100 }), { what: 'the inbox', most: created.attempts + PAGE }, (e) => {
        const seq = (e.payload as { seq?: number } | null)?.seq;
        events[e.event_id] = { readable: true, event_type: e.event_type, source: e.source, ...(seq === undefined ? {} : { idempotency_key: `${conn.runId}-${seq}` }) };
      });
      for (const id of created.ids) {
        if (events[id]) continue;
        const res = await outcome(() => tenant().events.get(id));
        events[id] = { readable: res.status === 200, event_type: res.result?.event_type ?? '', source: res.result?.source };
      }
      const dlq: FinalDlqEntry[] = [];
      // A compatible service without a dead-letter queue reads as an empty one.
      const most = created.attempts * Math.max(1, registered.length) + PAGE;
      await readPages(tenant().webhooks.dlq({ limit: 100 }), { what: 'the dead-letter queue', most, optional: true }, (d) => dlq.push({ delivery_id: d.delivery_id, event_id: d.event_id, webhook_id: d.webhook_id }));
      const summary = (await outcome(() => tenant().analytics.summary({ top: 100 }))).result;
      return {
        kind: 'final',
        events,
        webhooks: await Promise.all(registered.map((hook) => withState(hook))),
        dlq,
        analytics: summary
          ? {
              total: summary.total_events,
              by_type: Object.fromEntries(summary.top_event_types.map((t) => [t.event_type, t.count])),
              by_source: Object.fromEntries(summary.top_sources.map((s) => [s.source, s.count])),
            }
          : undefined,
        time: now(),
      };
    },
  };
}

/**
 * Walks a listing's pages to the end. A listing longer than the run could have made (`most`) has
 * pages that do not end, and a refused page leaves it incomplete: either fails the read-back, which
 * would otherwise judge a part as the whole. An `optional` listing the service does not have (its
 * first page answered 404) reads as empty.
 */
export async function readPages<T>(items: AsyncIterable<T>, listing: { what: string; most: number; optional?: true }, each: (item: T) => void): Promise<void> {
  let seen = 0;
  try {
    for await (const item of items) {
      if (++seen > listing.most) {
        throw new ScenarioError('setup_failed', `reading ${listing.what} back listed more than ${listing.most} items, more than the run could have made: its pages do not end`);
      }
      each(item);
    }
  } catch (err) {
    if (!(err instanceof TriggersApiError)) throw err;
    if (listing.optional && seen === 0 && err.status === 404) return;
    throw new ScenarioError('setup_failed', `reading ${listing.what} back answered ${err.status} ${err.code}${seen > 0 ? ` after ${seen} items` : ''}`);
  }
}
