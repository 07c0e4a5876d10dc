// Prometheus metrics for chaos: every injection counted by point, injector and rule, and the number of
// rules in force, registered on the registry the host passes in (never the global one implicitly).
import { Counter, Gauge, type Registry } from 'prom-client';

/** The chaos metrics on one registry. */
export class ChaosMetrics {
  private readonly injections: Counter<'point' | 'injector' | 'rule'>;
  private readonly ended: Counter<'reason'>;

  /**
   * Registers `chaos_injections_total{point,injector,rule}`, `chaos_rules_ended_total{reason}` and the
   * `chaos_active_rules` gauge, which reads `activeRules()` at scrape time so it is never stale.
   * Throws if the registry already holds these names (one engine per registry).
   */
  constructor(registry: Registry, activeRules: () => number) {
    this.injections = new Counter({
      name: 'chaos_injections_total',
      help: 'Faults injected, by fault point, injector kind and rule id.',
      labelNames: ['point', 'injector', 'rule'],
      registers: [registry],
    });
    this.ended = new Counter({
      name: 'chaos_rules_ended_total',
      help: 'Chaos rules that ended (expired, reached max_count, healed, removed, replaced).',
      labelNames: ['reason'],
      registers: [registry],
    });
    new Gauge({
      name: 'chaos_active_rules',
      help: 'Chaos rules currently in force (started and not yet ended).',
      registers: [registry],
      collect() {
        this.set(activeRules());
      },
    });
  }

  /** Counts one injection. */
  injected(point: string, injector: string, rule: string): void {
    this.injections.inc({ point, injector, rule });
  }

  /** Counts one rule ending. */
  ruleEnded(reason: string): void {
    this.ended.inc({ reason });
  }
}
