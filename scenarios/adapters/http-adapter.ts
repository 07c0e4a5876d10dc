// The `http` adapter: a user's own event/webhook service described by request templates. Creates
// events, reads them back, optionally registers the receiver as a webhook, and reads deliveries with
// JSON paths (json-path.ts).
import type { IncomingHttpHeaders } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FinalEvent } from '../history/history.js';
import type { HttpAdapterSpec, RequestTemplate } from '../scenario/adapter-schema.js';
import { ScenarioError } from '../scenario/scenario-error.js';
import type { Adapter, OpAnswer } from './adapter.js';
import { jsonOf, timedRequest } from './timed-request.js';
import { extract, extractAll } from './json-path.js';
import { fillBody, fillString, placeholders, type TemplateVars } from './request-template.js';

const REQUEST_TIMEOUT_MS = 5_000;
/**
 * How often the read-back asks about one event while the answer says neither yes (2xx) nor no (404):
 * a service just restarted, or briefly overloaded, must not make its events look lost.
 */
const READ_BACK_ATTEMPTS = 3;
/** Events read back at once: a service answers a handful of GETs in parallel as easily as one. */
const READ_BACK_CONCURRENCY = 8;

/**
 * The shared headers and a request's own as one set, names compared without case (as HTTP does): the
 * request's own wins, in its own spelling. Merged by spelling, `Authorization` and `authorization` both
 * went out and the service read the first, so a request's own override was silently lost.
 * @example mergeHeaders({ Authorization: 'a' }, { authorization: 'b' }) // { authorization: 'b' }
 */
export function mergeHeaders(...sets: (Record<string, string> | undefined)[]): Record<string, string> {
  const merged = new Map<string, [string, string]>();
  for (const set of sets) for (const [name, value] of Object.entries(set ?? {})) merged.set(name.toLowerCase(), [name, value]);
  return Object.fromEntries(merged.values());
}

/** Connects the adapter to `baseUrl`. */
export function httpAdapter(spec: HttpAdapterSpec, conn: { baseUrl: string; runId: string; env: Record<string, string | undefined> }): Adapter {
  const typeOf = new Map<string, string>();
  let webhookId = 'webhook-1';
  // Whether setup registered a webhook, and the id its answer gave (for unregister_webhook's {{webhook_id}}).
  let registered = false;
  let registeredId: string | undefined;
  // What unregister_webhook and dead_letters fill from it: {{webhook_id}} when the answer gave one, and
  // whether a template names {{webhook_id}} that has no value, so it cannot be sent.
  const webhookVars = () => ({ run_id: conn.runId, ...(registeredId === undefined ? {} : { webhook_id: registeredId }) });
  const lacksWebhookId = (template: RequestTemplate) => registeredId === undefined && placeholders(template).includes('webhook_id');
  // 2xx creates whose answer had no id at create_event.id, webhooks with no event id at
  // receipt.event_id, and webhooks without the delivery_id_header: each with the first such text
  // (for a header, the names the webhook did carry), for the note that says what to fix.
  const unfound = { id: { count: 0, sample: '' }, receipt: { count: 0, sample: '' }, header: { count: 0, sample: '' } };
  const miss = (which: keyof typeof unfound, text: string) => {
    const m = unfound[which];
    if (m.count++ === 0) m.sample = text.length > 160 ? `${text.slice(0, 160)}…` : text;
  };
  // A header that fills to nothing is left out: `{{idempotency_key}}` of a key-less create, say.
  const filledHeaders = (headers: Record<string, string>, vars: TemplateVars): Record<string, string> =>
    Object.fromEntries(
      Object.entries(headers)
        .map(([k, v]) => [k, fillString(v, vars, conn.env)] as const)
        .filter(([, v]) => v !== ''),
    );
  const send = async (template: RequestTemplate, vars: TemplateVars, signal?: AbortSignal) => {
    const headers = filledHeaders(mergeHeaders(spec.headers, template.headers), vars);
    const body = template.body === undefined ? undefined : JSON.stringify(fillBody(template.body, vars, conn.env));
    if (body !== undefined && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    return timedRequest(conn.baseUrl + fillString(template.path, vars, conn.env), { method: template.method, headers, body }, REQUEST_TIMEOUT_MS, signal);
  };
  // Events whose read-back answered neither 2xx nor 404 on every attempt, with the first, for the note.
  let unread = { count: 0, sample: '' };
  // After three events that never answered, the rest are asked once: a service that stays down must
  // not hold the read-back for 400 ms an event.
  let neverAnswered = 0;
  const readBack = async (id: string) => {
    const attempts = neverAnswered >= 3 ? 1 : READ_BACK_ATTEMPTS;
    const answered = (status: number) => (status >= 200 && status < 300) || status === 404;
    let res = await send(spec.read_event, { id, run_id: conn.runId });
    for (let attempt = 1; attempt < attempts && !answered(res.status); attempt++) {
      await sleep(200);
      res = await send(spec.read_event, { id, run_id: conn.runId });
    }
    if (!answered(res.status)) neverAnswered++;
    return res;
  };
  // Why the read of dead_letters gave no list, for the note.
  let deadLetterProblem = '';
  const readDeadLetters = async () => {
    if (!spec.dead_letters) return [];
    // A per-webhook list (`/webhooks/{{webhook_id}}/dead`) needs the id register_webhook answered with.
    if (lacksWebhookId(spec.dead_letters)) {
      deadLetterProblem = `could not be sent: register_webhook's answer had no id at ${spec.register_webhook?.id ?? '$.id'}, so {{webhook_id}} has no value (set register_webhook.id)`;
      return [];
    }
    const res = await send(spec.dead_letters, webhookVars());
    const json = jsonOf(res.text);
    if (res.status < 200 || res.status >= 300 || json === undefined) {
      deadLetterProblem = `answered ${res.status === 0 ? res.error : res.status}${res.status >= 200 && res.status < 300 ? ' with no JSON' : ''}${res.text ? `: ${res.text.slice(0, 160)}` : ''}`;
      return [];
    }
    deadLetterProblem = '';
    return extractAll(spec.dead_letters.event_id, json).map((event_id) => ({ delivery_id: '', event_id, webhook_id: webhookId }));
  };
  const answer = (res: { status: number; error?: string }, extra: Record<string, unknown>): OpAnswer => ({
    status: res.status,
    ok: res.status >= 200 && res.status < 300,
    value: { ...(res.status ? { status: res.status } : {}), ...(res.error ? { error: res.error } : {}), ...extra },
  });
  return {
    async setup(webhookUrl, webhooks) {
      const probe = await timedRequest(conn.baseUrl, {}, REQUEST_TIMEOUT_MS);
      if (probe.status === 0) throw new ScenarioError('target_unreachable', `cannot reach ${conn.baseUrl} (${probe.error}); is the service running?`);
      if (!spec.register_webhook || webhooks === 0) return [];
      const res = await send(spec.register_webhook, { receiver_url: webhookUrl, run_id: conn.runId });
      if (res.status < 200 || res.status >= 300) throw new ScenarioError('setup_failed', `register_webhook answered ${res.status}: ${res.text.slice(0, 200)}`);
      registeredId = extract(spec.register_webhook.id, jsonOf(res.text));
      webhookId = registeredId ?? webhookId;
      registered = true;
      return [webhookId];
    },
    async createEvent(input, signal) {
      const { keyless, ...vars } = input;
      const res = await send(spec.create_event, { ...vars, idempotency_key: keyless ? '' : vars.idempotency_key, run_id: conn.runId }, signal);
      const ok = res.status >= 200 && res.status < 300;
      const id = ok ? extract(spec.create_event.id, jsonOf(res.text)) : undefined;
      if (id) typeOf.set(id, input.event_type);
      else if (ok) miss('id', res.text);
      return answer(res, { idempotency_key: input.idempotency_key, event_type: input.event_type, source: 'aftershock', ...(id ? { event_id: id } : {}) });
    },
    async readEvent(eventId, signal) {
      return answer(await send(spec.read_event, { id: eventId, run_id: conn.runId }, signal), { event_id: eventId });
    },
    identify(headers: IncomingHttpHeaders, body: string) {
      const receipt = spec.receipt ?? { event_id: '$.event_id', delivery_id_header: 'webhook-id' };
      const header = headers[receipt.delivery_id_header.toLowerCase()];
      const deliveryId = String(Array.isArray(header) ? header[0] : (header ?? ''));
      const eventId = extract(receipt.event_id, jsonOf(body)) ?? '';
      if (eventId === '') miss('receipt', body);
      if (deliveryId === '') miss('header', Object.keys(headers).join(', '));
      return { delivery_id: deliveryId, event_id: eventId, webhook_id: webhookId };
    },
    // With the shared headers, so a probe may read a path that wants the service's credentials.
    async teardown() {
      const template = spec.unregister_webhook;
      if (!template || !registered) return;
      if (lacksWebhookId(template)) {
        throw new Error(`adapter.http.unregister_webhook: register_webhook's answer had no id at ${spec.register_webhook!.id}, so {{webhook_id}} has no value: set register_webhook.id; the webhook is left registered`);
      }
      const res = await send(template, webhookVars());
      if ((res.status < 200 || res.status >= 300) && res.status !== 404) {
        throw new Error(`adapter.http.unregister_webhook answered ${res.status === 0 ? res.error : res.status}${res.text ? `: ${res.text.slice(0, 160)}` : ''}; the webhook is left registered`);
      }
    },
    async probe(path) {
      return (await timedRequest(conn.baseUrl + path, { headers: filledHeaders(mergeHeaders(spec.headers), { run_id: conn.runId }) }, REQUEST_TIMEOUT_MS)).status;
    },
    async finalRead(created, now) {
      unread = { count: 0, sample: '' };
      neverAnswered = 0;
      // READ_BACK_CONCURRENCY reads at a time: one after another, a run of thousands of events at tens of
      // ms a read took minutes a pass, and quiescence reads back every pass. (A pool of a few lines: no
      // dependency needed for it.)
      const ids = [...created.ids];
      const answers = new Array<Awaited<ReturnType<typeof readBack>>>(ids.length);
      let next = 0;
      const reader = async () => {
        for (let i = next++; i < ids.length; i = next++) answers[i] = await readBack(ids[i]!);
      };
      await Promise.all(Array.from({ length: Math.min(READ_BACK_CONCURRENCY, ids.length) }, reader));
      const events: Record<string, FinalEvent> = {};
      ids.forEach((id, i) => {
        const res = answers[i]!;
        const readable = res.status >= 200 && res.status < 300;
        if (!readable && res.status !== 404) {
          if (unread.count++ === 0) unread.sample = `${fillString(spec.read_event.path, { id, run_id: conn.runId }, conn.env)} → ${res.status === 0 ? res.error : res.status}${res.text ? ` ${res.text.slice(0, 120)}` : ''}`;
        }
        events[id] = { readable, event_type: typeOf.get(id) ?? '', source: 'aftershock' };
      });
      // Registered, its deliveries are owed (receipts are read with the default mapping when none is given).
      const webhooks = spec.register_webhook ? [{ webhook_id: webhookId, event_types: ['*'] }] : [];
      return { kind: 'final', events, webhooks, dlq: await readDeadLetters(), time: now() };
    },
    notes() {
      const receiptPath = spec.receipt?.event_id ?? '$.event_id';
      const headerName = spec.receipt?.delivery_id_header ?? 'webhook-id';
      return [
        ...(unfound.id.count > 0 ? [`adapter.http.create_event.id (${spec.create_event.id}) found no id in ${unfound.id.count} 2xx answer(s), e.g. ${unfound.id.sample || '(empty body)'}: fix the path, or those events count as lost`] : []),
        ...(unfound.receipt.count > 0 ? [`adapter.http.receipt.event_id (${receiptPath}) found no event id in ${unfound.receipt.count} webhook(s), e.g. ${unfound.receipt.sample || '(empty body)'}: fix the path, or those deliveries go unmatched`] : []),
        ...(unread.count > 0 ? [`adapter.http.read_event answered neither 2xx nor 404 for ${unread.count} event(s) at the read-back (asked up to ${READ_BACK_ATTEMPTS} times), e.g. GET ${unread.sample}: those count as not readable (lost, when acknowledged); check read_event and the service`] : []),
        ...(deadLetterProblem ? [`adapter.http.dead_letters (GET ${spec.dead_letters!.path}) ${deadLetterProblem}: no dead letters were read, so deliveries the service gave up on count as missing`] : []),
        ...(unfound.header.count > 0 ? [`adapter.http.receipt.delivery_id_header (${headerName}) was missing from ${unfound.header.count} webhook(s), which carried ${unfound.header.sample || 'no headers'}: fix the header name, or those deliveries cannot be told apart (they count as one delivery id)`] : []),
      ];
    },
  };
}
