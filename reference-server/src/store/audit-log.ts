// The audit log other code writes to: redacts secrets, chains each entry to the previous one and
// appends it with a conditional put, retrying on a lost race so all writers form one chain.
import type { Logger } from 'pino';
import { chainEntry, GENESIS_HASH, verifyChain, type AuditEntry, type AuditInput, type ChainCheck } from '../domain/audit-chain.js';
import type { Clock } from '../domain/clock.js';
import { iso } from '../domain/clock.js';
import type { IdGenerator } from '../domain/ids.js';
import { redactSecrets } from '../domain/redact-secrets.js';
import type { AuditQuery, AuditStore } from './audit-store.js';

const MAX_ATTEMPTS = 200;

/** Options for throttled entries (auth and signature failures, which an attacker can multiply). */
export interface ThrottleOptions {
  /** Entries with the same key within this many ms are counted, not written. */
  windowMs: number;
}

export class AuditLog {
  /** Writers in this process queue behind each other: only other processes cause lost races. */
  private tail: Promise<unknown> = Promise.resolve();
  private headCache: { seq: number; hash: string } | undefined;
  private readonly throttled = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly store: AuditStore,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly logger: Logger,
    private readonly random: () => number = Math.random,
  ) {}

  private writeFailureListener: () => void = () => {};

  /** Sets who hears of entries that could not be written (a metric). */
  onWriteFailure(listener: () => void): void {
    this.writeFailureListener = listener;
  }

  /**
   * Appends an entry; secrets in `details` (and secret-shaped strings anywhere) are redacted first.
   * Never rejects: a storage failure is logged and counted, so the audited operation still answers.
   * @example await deps.audit.record({ action: 'webhook.create', actor: 'key:key_01…', tenant_id, target: webhookId })
   */
  record(entry: AuditInput): Promise<void> {
    const clean = redactSecrets(plainJson(entry)) as AuditInput;
    const run = this.tail.then(() => this.append(clean));
    this.tail = run.catch(() => undefined);
    return run.then(
      () => undefined,
      (err: unknown) => {
        this.writeFailureListener();
        this.logger.error({ err, action: entry.action }, 'audit entry could not be written');
      },
    );
  }

  /** Like `record`, but at most one entry per `key` per window; the next one carries the count skipped. */
  recordThrottled(key: string, entry: AuditInput, opts: ThrottleOptions): Promise<void> {
    const now = this.clock.now();
    const seen = this.throttled.get(key);
    if (seen && now - seen.at < opts.windowMs && now >= seen.at) {
      seen.suppressed++;
      return Promise.resolve();
    }
    const suppressed = seen?.suppressed ?? 0;
    if (this.throttled.size >= 10_000) this.throttled.clear();
    this.throttled.set(key, { at: now, suppressed: 0 });
    return this.record({ ...entry, details: { ...entry.details, suppressed_since_last: suppressed } });
  }

  /** Entries newest first, filtered (see AuditStore.list). */
  list(q: AuditQuery): ReturnType<AuditStore['list']> {
    return this.store.list(q);
  }

  /**
   * Recomputes the chain from `from` to `to` (default: the newest entry) against the stored hashes.
   * An empty chain, or a range past the head, is valid with nothing checked.
   */
  async verify(from = 0, to?: number): Promise<ChainCheck & { from: number; to: number }> {
    const last = to ?? (await this.store.head())?.seq ?? -1;
    if (last < from) return { valid: true, checked: 0, from, to: last };
    const [entries, before] = await Promise.all([this.store.range(from, last), from === 0 ? undefined : this.store.get(from - 1)]);
    const prevHash = from === 0 ? GENESIS_HASH : before?.hash;
    return { ...verifyChain(entries, from, last, prevHash), from, to: last };
  }

  /** Writes at the next index, re-reading the head whenever another writer took it. */
  private async append(input: AuditInput): Promise<AuditEntry> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (!this.headCache || attempt > 0) {
        const head = await this.store.head();
        this.headCache = head ? { seq: head.seq, hash: head.hash } : { seq: -1, hash: GENESIS_HASH };
      }
      const entry = chainEntry(input, this.headCache.seq + 1, this.headCache.hash, this.ids.next('aud'), iso(this.clock.now()));
      if (await this.store.append(entry)) {
        this.headCache = { seq: entry.seq, hash: entry.hash };
        return entry;
      }
      // Lost the race to another process: back off a little (jittered) so writers spread out.
      await new Promise((r) => setTimeout(r, Math.floor(this.random() * Math.min(50, 2 + attempt * 2))));
    }
    throw new Error(`audit append lost ${MAX_ATTEMPTS} races in a row`);
  }
}

/**
 * The entry as plain JSON (what DynamoDB stores and the hash covers). Values JSON cannot hold
 * (BigInt, cycles) must not make an audited operation fail: the details are replaced by a note.
 */
function plainJson(entry: AuditInput): unknown {
  try {
    return JSON.parse(JSON.stringify(entry)) as unknown;
  } catch {
    return { ...entry, details: { unserialisable_details: true } };
  }
}
