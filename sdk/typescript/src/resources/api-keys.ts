// API keys: create (admin token), read, rotate without downtime, list versions, revoke.
import type { ApiKey, CreateApiKeyInput, CreatedApiKey, RotatedApiKey } from '../admin-models.js';
import type { Page } from '../models.js';
import { paginate } from '../paginate.js';
import { sendJson, type CallOptions, type TransportConfig } from '../transport.js';

export interface KeyVersionsPage extends Page {
  lineage_id: string;
  versions: ApiKey[];
}

const path = (id: string, rest = '') => `/v1/api-keys/${encodeURIComponent(id)}${rest}`;

export class ApiKeysResource {
  constructor(private readonly config: TransportConfig) {}

  /** Creates a key; needs a client built with the admin token. The answer's secrets are shown once. */
  create(input: CreateApiKeyInput, options: CallOptions = {}): Promise<CreatedApiKey> {
    return sendJson(this.config, { method: 'POST', path: '/v1/api-keys', body: input, signal: options.signal, onResponse: options.onResponse });
  }

  /** The key without its secrets. */
  get(keyId: string, options: CallOptions = {}): Promise<ApiKey> {
    return sendJson(this.config, { method: 'GET', path: path(keyId), signal: options.signal, onResponse: options.onResponse });
  }

  /**
   * Creates the next version; the old one keeps working for `transitionDays` (server default 7,
   * 0 ends it now). Deploy the new `api_key` and `signing_secret`, then let the old one expire.
   * @throws ConflictError when this version is not the lineage's active one.
   */
  rotate(keyId: string, transitionDays?: number, options: CallOptions = {}): Promise<RotatedApiKey> {
    const body = transitionDays === undefined ? {} : { transition_days: transitionDays };
    return sendJson(this.config, { method: 'POST', path: path(keyId, '/rotate'), body, signal: options.signal, onResponse: options.onResponse });
  }

  versionsPage(keyId: string, query: { limit?: number; cursor?: string } = {}, options: CallOptions = {}): Promise<KeyVersionsPage> {
    return sendJson(this.config, { method: 'GET', path: path(keyId, '/versions'), query: { ...query }, signal: options.signal, onResponse: options.onResponse });
  }

  /** Every version of the key's lineage, oldest first. */
  versions(keyId: string, query: { limit?: number } = {}, options: CallOptions = {}): AsyncGenerator<ApiKey, void, undefined> {
    return paginate((cursor) => this.versionsPage(keyId, { ...query, cursor }, options), (p) => p.versions);
  }

  /** Revokes this version at once (idempotent). */
  revoke(keyId: string, options: CallOptions = {}): Promise<ApiKey> {
    return sendJson(this.config, { method: 'POST', path: path(keyId, '/revoke'), idempotent: true, signal: options.signal, onResponse: options.onResponse });
  }
}
