// The Triggers API client: one object per credential, holding the transport settings and one
// resource per part of the API.
import { randomUUID } from 'node:crypto';
import { AnalyticsResource } from './resources/analytics.js';
import { ApiKeysResource } from './resources/api-keys.js';
import { AuditResource } from './resources/audit.js';
import { EventsResource } from './resources/events.js';
import { WebhooksResource } from './resources/webhooks.js';
import type { InboxQuery, TriggerEvent } from './models.js';
import { newSignatureNonce } from './request-signing.js';
import { resolveRetryOptions, type RetryOptions } from './retry-policy.js';
import { abortableSleep, type CallOptions, type TransportConfig } from './transport.js';

/** How to build a client; only `apiKey` and `baseUrl` are required. */
export interface TriggersApiClientOptions {
  /** A `tr_…` key (or the admin token, for key management and the audit log). */
  apiKey: string;
  /** e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** Per-attempt timeout, ms (default 10 000). */
  timeoutMs?: number;
  /** The key's `signing_secret` (`sk_…`): when set, every request is signed. */
  signingSecret?: string;
  /** Retry settings (default 3 attempts, 200 ms doubling to 5 s, with jitter). */
  retry?: RetryOptions;
  /** Injected for tests and deterministic runs: fetch, clock (ms), randomness in [0, 1), sleep, key and nonce generators. */
  fetch?: typeof fetch;
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  idempotencyKey?: () => string;
  /** Each signed attempt's X-Signature-Nonce (default: 128 random bits). */
  signatureNonce?: () => string;
}

/**
 * A client for every endpoint of the Triggers API. Failures throw {@link TriggersApiError}
 * subclasses; GETs, 429s, 503s and creates are retried safely.
 * @example
 * const client = new TriggersApiClient({ apiKey: process.env.TRIGGERS_API_KEY!, baseUrl: 'http://127.0.0.1:8080' });
 * const event = await client.events.create({ source: 'shop', event_type: 'order.created', payload: { order: 42 } });
 * for await (const pending of client.inbox()) await client.events.ack(pending.event_id);
 */
export class TriggersApiClient {
  readonly events: EventsResource;
  readonly webhooks: WebhooksResource;
  readonly analytics: AnalyticsResource;
  readonly apiKeys: ApiKeysResource;
  readonly audit: AuditResource;

  constructor(options: TriggersApiClientOptions) {
    if (!options.apiKey) throw new TypeError('TriggersApiClient: apiKey is required (a tr_… key or the admin token)');
    if (!/^https?:\/\//.test(options.baseUrl)) throw new TypeError(`TriggersApiClient: baseUrl must be an http(s) URL, got "${options.baseUrl}"`);
    const config: TransportConfig = {
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
      apiKey: options.apiKey,
      timeoutMs: options.timeoutMs ?? 10_000,
      signingSecret: options.signingSecret,
      retry: resolveRetryOptions(options.retry),
      userAgent: 'aftershock-triggers-client-ts/0.1',
      fetch: options.fetch ?? ((input, init) => fetch(input, init)),
      now: options.now ?? Date.now,
      random: options.random ?? Math.random,
      sleep: options.sleep ?? abortableSleep,
      signatureNonce: options.signatureNonce ?? newSignatureNonce,
    };
    this.events = new EventsResource(config, options.idempotencyKey ?? randomUUID);
    this.webhooks = new WebhooksResource(config);
    this.analytics = new AnalyticsResource(config);
    this.apiKeys = new ApiKeysResource(config);
    this.audit = new AuditResource(config);
  }

  /**
   * Every pending event, oldest first; shorthand for `client.events.inbox()`.
   * @example for await (const event of client.inbox()) console.log(event.event_id);
   */
  inbox(query: InboxQuery = {}, options: CallOptions = {}): AsyncGenerator<TriggerEvent, void, undefined> {
    return this.events.inbox(query, options);
  }
}
