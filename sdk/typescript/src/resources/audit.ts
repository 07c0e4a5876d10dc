// The audit log: entries newest first (pages or an async iterator) and hash-chain verification.
import type { AuditEntry, AuditVerification } from '../admin-models.js';
import type { Page } from '../models.js';
import { paginate } from '../paginate.js';
import { sendJson, type CallOptions, type TransportConfig } from '../transport.js';

export interface AuditPage extends Page {
  entries: AuditEntry[];
}
export type AuditQuery = { action?: string; actor?: string; from?: string | Date; to?: string | Date; limit?: number };

export class AuditResource {
  constructor(private readonly config: TransportConfig) {}

  listPage(query: AuditQuery & { cursor?: string } = {}, options: CallOptions = {}): Promise<AuditPage> {
    return sendJson(this.config, { method: 'GET', path: '/v1/audit', query: { ...query }, signal: options.signal, onResponse: options.onResponse });
  }

  /** Entries newest first (admin token: all; a `keys:manage` key: its tenant's). */
  list(query: AuditQuery = {}, options: CallOptions = {}): AsyncGenerator<AuditEntry, void, undefined> {
    return paginate((cursor) => this.listPage({ ...query, cursor }, options), (p) => p.entries);
  }

  /** Recomputes the hash chain between entry indexes `from` and `to` (admin token). */
  verify(range: { from?: number; to?: number } = {}, options: CallOptions = {}): Promise<AuditVerification> {
    return sendJson(this.config, { method: 'POST', path: '/v1/audit/verify', body: range, idempotent: true, signal: options.signal, onResponse: options.onResponse });
  }
}
