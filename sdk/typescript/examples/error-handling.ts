// Error handling: every failure is a TriggersApiError; its subclass says what kind, `code` is the
// server's stable code, `details` names the fields, `requestId` is what to quote in a bug report.
import {
  ConflictError, NetworkError, NotFoundError, RateLimitedError, TriggersApiClient, TriggersApiError, UnauthorizedError, ValidationError,
} from '../src/index.js';
import { runIfMain, type ExampleEnv } from './example-env.js';

/** What a caller typically does with each kind of failure. */
export function describeFailure(err: unknown): string {
  if (err instanceof ValidationError) return `fix the request: ${JSON.stringify(err.details)}`;
  if (err instanceof UnauthorizedError) return `check the key (${err.code})`;
  if (err instanceof NotFoundError) return 'no such resource in this tenant';
  if (err instanceof ConflictError) return `conflict (${err.code}): use a new idempotency key for a different event`;
  if (err instanceof RateLimitedError) return `slow down for ${err.retryAfterMs ?? 1000} ms`;
  if (err instanceof NetworkError) return 'no answer: safe to retry a create with the same idempotency key';
  if (err instanceof TriggersApiError) return `server error ${err.status} (request ${err.requestId})`;
  throw err;
}

export async function errorHandling({ baseUrl, apiKey, log = console.log }: ExampleEnv) {
  const client = new TriggersApiClient({ apiKey, baseUrl });
  const outcomes: Record<string, string> = {};
  const attempt = async (name: string, call: () => Promise<unknown>) => {
    try {
      await call();
      outcomes[name] = 'ok';
    } catch (err) {
      outcomes[name] = describeFailure(err);
      if (err instanceof TriggersApiError) log(name, '→', err.status, err.code, err.requestId);
    }
  };

  await attempt('validation', () => client.events.create({ source: '', event_type: 'bad type!', payload: {} }));
  await attempt('not found', () => client.events.get('evt_00000000000000000000000000'));
  const key = `conflict-${Date.now()}`;
  await client.events.create({ source: 'shop', event_type: 'order.created', payload: { order: 1 } }, { idempotencyKey: key });
  await attempt('conflict', () => client.events.create({ source: 'shop', event_type: 'order.created', payload: { order: 2 } }, { idempotencyKey: key }));
  const wrongKey = new TriggersApiClient({ apiKey: 'tr_not_a_real_key', baseUrl });
  await attempt('unauthorized', () => wrongKey.events.get('evt_00000000000000000000000000'));
  const nobody = new TriggersApiClient({ apiKey, baseUrl: 'http://127.0.0.1:9', retry: { maxAttempts: 1 } });
  await attempt('network', () => nobody.events.get('evt_00000000000000000000000000'));
  log(outcomes);
  return outcomes;
}

runIfMain(import.meta.url, errorHandling);
