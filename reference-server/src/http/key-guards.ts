// The checks every key-authenticated request passes after its key was found usable — the rate limit,
// then the request signature — and the auditing of refused credentials. Handed to the Authenticator.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Clock } from '../domain/clock.js';
import { tierLimits } from '../domain/rate-limit-tiers.js';
import type { AuditLog } from '../store/audit-log.js';
import { RateLimitStore } from '../store/rate-limit-store.js';
import type { SecretBox } from '../store/secret-box.js';
import { SignatureNonceStore } from '../store/signature-nonce-store.js';
import { tableNames } from '../store/tables.js';
import type { AuthFailureListener, KeyGuard } from './authenticator.js';
import { rateLimitGuard } from './rate-limit.js';
import { requestSigningGuard } from './request-signing.js';
import type { SecurityMetrics } from './security-metrics.js';

/** The guards, in order, and who hears of refused credentials. */
export interface KeyChecks {
  guards: KeyGuard[];
  onFailure: AuthFailureListener;
}

/**
 * The rate limit comes first, so an attacker cannot make the server hash unlimited forged signatures;
 * refused credentials are audited at most once per reason and client address a minute.
 */
export function keyGuards(input: {
  config: Config;
  clock: Clock;
  logger: Logger;
  doc: DynamoDBDocumentClient;
  secretBox: SecretBox;
  audit: AuditLog;
  metrics: SecurityMetrics;
}): KeyChecks {
  const { config, clock, logger, doc, audit, metrics } = input;
  const names = tableNames(config.TABLE_PREFIX);
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
      secretBox: input.secretBox,
      nonces: new SignatureNonceStore(doc, names['signature-nonces']),
      metrics,
      audit,
    }),
  );
  return {
    guards,
    onFailure: (req, reason) => {
      metrics.authFailures.inc({ reason });
      void audit.recordThrottled(
        `auth:${reason}:${req.ip ?? ''}`,
        { action: 'auth.failure', actor: `ip:${req.ip ?? 'unknown'}`, details: { reason, method: req.method, path: req.originalUrl.split('?')[0] } },
        { windowMs: 60_000 },
      );
    },
  };
}
