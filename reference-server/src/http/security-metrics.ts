// Prometheus counters for the security layer, registered on the server's own registry.
import { Counter, type Registry } from 'prom-client';

export interface SecurityMetrics {
  /** Rate-limit outcomes: allowed, limited, store_error_open (let through), store_error_closed (503), store_error_background (a deferred increment lost). */
  rateLimit: Counter<'outcome'>;
  /** Request-signature outcomes: ok, unsigned, or the refusal code. */
  signatures: Counter<'outcome'>;
  /** Requests refused for a missing, unknown, revoked or expired key. */
  authFailures: Counter<'reason'>;
  /** Audit entries that could not be written. */
  auditWriteFailures: Counter;
  /** Keys the expiry job marked expired. */
  keysExpired: Counter;
}

/** Creates the counters on `registry`. */
export function createSecurityMetrics(registry: Registry): SecurityMetrics {
  return {
    rateLimit: new Counter({ name: 'rate_limit_decisions_total', help: 'Rate-limit decisions by outcome', labelNames: ['outcome'], registers: [registry] }),
    signatures: new Counter({ name: 'request_signature_checks_total', help: 'Request-signature checks by outcome', labelNames: ['outcome'], registers: [registry] }),
    authFailures: new Counter({ name: 'auth_failures_total', help: 'Refused credentials by reason', labelNames: ['reason'], registers: [registry] }),
    auditWriteFailures: new Counter({ name: 'audit_write_failures_total', help: 'Audit entries that could not be written', registers: [registry] }),
    keysExpired: new Counter({ name: 'api_keys_expired_total', help: 'Key versions marked expired by the expiry job', registers: [registry] }),
  };
}
