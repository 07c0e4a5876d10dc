// The scheduled expiry job: marks rotating key versions whose `expires_at` has passed as expired and
// audits each. Authentication never waits for it (it judges `expires_at` itself); this keeps the
// stored status truthful for listings and operators.
import type { Logger } from 'pino';
import { iso, type Clock } from '../domain/clock.js';
import type { IdGenerator } from '../domain/ids.js';
import type { ApiKeysStore } from '../store/api-keys-store.js';
import type { AuditLog } from '../store/audit-log.js';
import { startPeriodicJob, type PeriodicJob } from './periodic-job.js';

export interface KeyExpiryOptions {
  keys: ApiKeysStore;
  audit: AuditLog;
  clock: Clock;
  /** Names each mark, so a resent mark is told from another instance's. */
  ids: IdGenerator;
  logger: Logger;
  /** Between sweeps; default one minute. */
  intervalMs?: number;
  onExpired?: (count: number) => void;
}

/** A running job: `sweep` runs one pass now, `stop` ends the schedule and waits for a pass in flight. */
export type KeyExpiryJob = PeriodicJob;

/**
 * Marks every rotating version past `expires_at` as expired (conditional, so several instances
 * running the job mark each key once) and returns how many this pass marked.
 */
export async function expireKeys(opts: Pick<KeyExpiryOptions, 'keys' | 'audit' | 'clock' | 'ids'>): Promise<number> {
  const now = iso(opts.clock.now());
  let marked = 0;
  const due = opts.keys.scan({
    expression: '#s = :rotating AND expires_at <= :now',
    names: { '#s': 'status' },
    values: { ':rotating': 'rotating', ':now': now },
  });
  for await (const key of due) {
    if (!(await opts.keys.markExpired(key.key_id, now, opts.ids.next('exp')))) continue;
    marked++;
    await opts.audit.record({ action: 'api_key.expire', actor: 'system:key-expiry', tenant_id: key.tenant_id, target: key.key_id, details: { expires_at: key.expires_at, version: key.version } });
  }
  return marked;
}

/**
 * Starts the job every `intervalMs`. A failed pass is logged and retried at the next tick.
 * @example const job = startKeyExpiry({ keys, audit, clock, ids, logger }); await job.stop();
 */
export function startKeyExpiry(opts: KeyExpiryOptions): KeyExpiryJob {
  const pass = async () => {
    const count = await expireKeys(opts);
    if (count > 0) opts.onExpired?.(count);
    return count;
  };
  return startPeriodicJob(pass, opts.intervalMs ?? 60_000, (err) => opts.logger.warn({ err }, 'key expiry sweep failed'));
}
