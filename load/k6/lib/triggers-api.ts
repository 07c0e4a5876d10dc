// The Triggers API calls the k6 scripts make: a tenant of their own (key + webhook) in setup(), and
// the create_event operation the load runs, tagged so phase gates can select it.
import { check } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import type { K6Env } from './env.ts';

/** What setup() hands every VU. */
export interface RunData {
  apiKey: string;
  webhookId: string;
}

const json = (token: string) => ({ headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });

/** Creates a key (admin token) and a webhook for every event type pointing at the receiver link. */
export function createTenant(env: K6Env, name: string): RunData {
  const key = http.post(`${env.targetUrl}/v1/api-keys`, JSON.stringify({ name, tier: 'enterprise' }), { ...json(env.adminToken), tags: { op: 'setup' } });
  if (key.status !== 201) throw new Error(`creating an API key failed (${key.status}): check AFTERSHOCK_TARGET_URL and AFTERSHOCK_ADMIN_TOKEN`);
  const apiKey = String(key.json('api_key'));
  const hook = http.post(`${env.targetUrl}/v1/webhooks`, JSON.stringify({ url: env.receiverUrl, events: ['*'] }), { ...json(apiKey), tags: { op: 'setup' } });
  if (hook.status !== 201) throw new Error(`registering the webhook failed (${hook.status}): ${hook.body as string}`);
  return { apiKey, webhookId: String(hook.json('webhook_id')) };
}

/** POST /v1/events once, with an idempotency key unique in the run (each run has a tenant of its own). */
export function postEvent(env: K6Env, data: RunData): void {
  const n = `${exec.scenario.name}-${exec.scenario.iterationInTest}`;
  const body = JSON.stringify({ source: 'k6', event_type: 'order.created', payload: { n } });
  const headers = { ...json(data.apiKey).headers, 'idempotency-key': `k6-${n}` };
  const res = http.post(`${env.targetUrl}/v1/events`, body, { headers, tags: { op: 'create_event' } });
  check(res, { 'event accepted (201)': (r) => r.status === 201 });
}
