// Wires the security layer into a server: the audit log, the rate-limit and request-signing guards
// every key-authenticated request passes, auth-failure auditing, and the key expiry job.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Clock } from './domain/clock.js';
import { createIdGenerator } from './domain/ids.js';
import { tierLimits } from './domain/rate-limit-tiers.js';
import type { AppDeps } from './http/app-deps.js';
import type { KeyGuard } from './http/authenticator.js';
import { rateLimitGuard } from './http/rate-limit.js';
import { requestSigningGuard } from './http/request-signing.js';
import { createSecurityMetrics } from './http/security-metrics.js';
import { AuditLog } from './store/audit-log.js';
import { AuditStore } from './store/audit-store.js';
import { RateLimitStore } from './store/rate-limit-store.js';
import { SignatureNonceStore } from './store/signature-nonce-store.js';
import { tableNames } from './store/tables.js';
import { startKeyExpiry, type KeyExpiryJob } from './workers/key-expiry.js';

/** The audit log over the `audit` table (built before AppDeps, which holds it). */
export function createAuditLog(doc: DynamoDBDocumentClient, config: Config, clock: Clock, logger: Logger, random: () => number = Math.random): AuditLog {
  const store = new AuditStore(doc, tableNames(config.TABLE_PREFIX).audit);
  return new AuditLog(store, clock, createIdGenerator(clock, random), logger, random);
}

/** What `installSecurity` started. */
export interface SecurityLayer {
  expiry: KeyExpiryJob | undefined;
  /** Stops the expiry job (waits for a pass in flight). */
  stop(): Promise<void>;
}

/**
 * Attaches the guards to `deps.authenticator` (rate limit first, so an attacker cannot make the
 * server hash unlimited forged signatures), audits refused credentials (at most one entry per
 * reason and client address a minute), and starts the expiry job when WORKER_ENABLED.
 */
export function installSecurity(deps: AppDeps, doc: DynamoDBDocumentClient): SecurityLayer {
  const { config, clock, logger, audit } = deps;
  const names = tableNames(config.TABLE_PREFIX);
  const metrics = createSecurityMetrics(deps.metrics.registry);
  audit.onWriteFailure(() => metrics.auditWriteFailures.inc());
  const guards: KeyGuard[] = [];
  if (config.RATE_LIMIT_ENABLED) {
    guards.push(
      rateLimitGuard({
        tiers: tierLimits(config.RATE_LIMIT_TIERS),
        failMode: config.RATE_LIMIT_FAIL_MODE,
        store: new RateLimitStore(doc, names['rate-limits']),
        clock,
        metrics,
        logger,
      }),
    );
  }
  guards.push(
    requestSigningGuard({
      mode: config.SIGNING_MODE,
      toleranceS: config.SIGNATURE_TOLERANCE_S,
      clock,
      secretBox: deps.secretBox,
      nonces: new SignatureNonceStore(doc, names['signature-nonces']),
      metrics,
      audit,
    }),
  );
  deps.authenticator.attach({
    guards,
    onFailure: (req, reason) => {
      metrics.authFailures.inc({ reason });
      void audit.recordThrottled(
        `auth:${reason}:${req.ip ?? ''}`,
        { action: 'auth.failure', actor: `ip:${req.ip ?? 'unknown'}`, details: { reason, method: req.method, path: req.originalUrl.split('?')[0] } },
        { windowMs: 60_000 },
      );
    },
  });
  const expiry = config.WORKER_ENABLED
    ? startKeyExpiry({
        keys: deps.stores.apiKeys,
        audit,
        clock,
        logger,
        intervalMs: config.KEY_EXPIRY_INTERVAL_MS,
        onExpired: (count) => metrics.keysExpired.inc(count),
      })
    : undefined;
  return { expiry, stop: async () => expiry?.stop() };
}
