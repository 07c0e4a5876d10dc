// The chaos engine: holds the rules, decides per call whether a fault applies, and records, counts and
// logs every injection. Fault points ask it `decide(point, attributes)`; everything random is drawn
// from a generator seeded per (seed, rule id, point), so one seed replays one run.
import type { Registry } from 'prom-client';
import { ChaosError } from '../chaos-error.js';
import { systemClock, type Clock } from '../clock.js';
import { RateWindow } from '../faults/throttle.js';
import { ChaosMetrics } from '../observability/chaos-metrics.js';
import { silentLogger, type ChaosLogger } from '../observability/chaos-logger.js';
import { deriveRandom, type Random } from '../random/seeded-random.js';
import { InjectionLog, type Injection } from './injection-log.js';
import { isOutsideChaos } from './outside-chaos.js';
import type { ChaosPoint, InjectorKind } from './injector-schema.js';
import { compileMatch, type CallAttributes, type Matcher } from './match-pattern.js';
import { resolveInjection } from './resolve-injection.js';
import { DEFAULT_RULE_DURATION_MS, ruleState, ruleWindow, type RuleWindow } from './rule-lifecycle.js';
import { parseRules, type Rule } from './rule-schema.js';
import { describeRule, type RuleStatus } from './rule-status.js';

/** Why a rule stopped applying. */
export type RuleEndReason = 'expired' | 'exhausted' | 'healed' | 'removed' | 'replaced';

/** Construction options; every one has a safe default. */
export interface ChaosEngineOptions {
  /** Master switch (default false): when off, `decide` returns null after one boolean check. */
  enabled?: boolean;
  /** The run seed (default 0); print it so the run can be replayed. */
  seed?: string | number;
  /** Rules installed at construction (validated; throws `ChaosError` when invalid). */
  rules?: unknown;
  clock?: Clock;
  logger?: ChaosLogger;
  /** Registers chaos metrics here when given. */
  registry?: Registry;
  /** Injection log capacity (default 1,000). */
  logCapacity?: number;
  /** Lifetime of rules that name no duration (default 10 min; `null`: until healed). */
  defaultDurationMs?: number | null;
  /**
   * Retire each rule by a timer at its expiry (default true), so the recovery line is logged on time;
   * when false, expiry is noticed at the next matching call, listing, metrics scrape or `sweep()`.
   */
  expiryTimers?: boolean;
}

/** Told about every injection, in order; unlike the bounded log it misses none. */
export type InjectionListener = (injection: Injection) => void;

/** Per-call options for {@link ChaosEngine.decide}. */
export interface DecideOptions {
  /** Carried into the injection log and the log line; a function is called only when injecting. */
  requestId?: string | (() => string | undefined);
  /** Consider only rules whose injector is of these kinds (a point evaluating in stages). */
  kinds?: ReadonlySet<InjectorKind>;
}

interface Installed {
  rule: Rule;
  matcher: Matcher;
  random: Random;
  window: RuleWindow;
  rate: RateWindow | undefined;
  installedAt: number;
  count: number;
  ended: boolean;
  expiryTimer: NodeJS.Timeout | undefined;
}

/**
 * @example
 * const engine = new ChaosEngine({ enabled: true, seed: 42, rules: [{ id: 'slow', point: 'dynamodb', injector: { kind: 'latency', min_ms: 100, max_ms: 500 } }] });
 * const injection = engine.decide('dynamodb', { operation: 'PutItem', table: 'events' }); // { kind: 'latency', detail: { delay_ms: 231 }, ... }
 */
export class ChaosEngine {
  /** Read by fault points before anything else: the disabled fast path is this one check. */
  enabled: boolean;
  readonly seed: string | number;
  readonly log: InjectionLog;
  private readonly clock: Clock;
  private readonly logger: ChaosLogger;
  private readonly metrics: ChaosMetrics | undefined;
  private readonly defaultDurationMs: number | null;
  private readonly expiryTimers: boolean;
  private readonly rules = new Map<string, Installed>();
  // Copy-on-write lists per point: decide iterates a snapshot while rules may end underneath it.
  private byPoint = new Map<ChaosPoint, Installed[]>();
  private sequence = 0;
  private readonly injectionListeners = new Set<InjectionListener>();

  constructor(options: ChaosEngineOptions = {}) {
    this.enabled = options.enabled ?? false;
    this.seed = options.seed ?? 0;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.log = new InjectionLog(options.logCapacity);
    this.defaultDurationMs = options.defaultDurationMs === undefined ? DEFAULT_RULE_DURATION_MS : options.defaultDurationMs;
    this.expiryTimers = options.expiryTimers ?? true;
    this.metrics = options.registry ? new ChaosMetrics(options.registry, () => this.activeRuleCount()) : undefined;
    if (options.rules !== undefined) this.upsertRules(options.rules);
  }

  /**
   * Decides whether a fault applies to one call at `point`. Rules are tried in install order; each
   * started rule whose match fits draws once from its own generator; the first that fires wins.
   * Ended rules are retired when next matched, or by `sweep()` (which listing and metrics call).
   * A call made inside `outsideChaos` gets no fault. Returns the injection (already logged, counted and recorded) or null.
   */
  decide(point: ChaosPoint, attributes: CallAttributes, options?: DecideOptions): Injection | null {
    if (!this.enabled) return null;
    const candidates = this.byPoint.get(point);
    if (candidates === undefined || isOutsideChaos()) return null;
    // The clock is read only once a rule matches: a call no rule matches costs no clock read.
    let now: number | undefined;
    for (const installed of candidates) {
      if (installed.ended || (options?.kinds !== undefined && !options.kinds.has(installed.rule.injector.kind))) continue;
      if (!installed.matcher(attributes)) continue;
      now ??= this.clock.now();
      const state = ruleState(installed.rule, installed.window, installed.count, now);
      if (state === 'pending') continue;
      if (state !== 'active') {
        this.end(installed, state, now);
        continue;
      }
      const withinRate = installed.rate?.admit(now) ?? false;
      const roll = installed.random.next();
      if (withinRate || roll >= installed.rule.probability) continue;
      const requestId = typeof options?.requestId === 'function' ? options.requestId() : options?.requestId;
      return this.inject(installed, now, requestId);
    }
    return null;
  }

  /**
   * Calls `listener` with every injection from now on (the log keeps only a bounded window). A listener
   * that throws is logged and kept; it never changes the fault. Returns the function that unsubscribes.
   * @example const off = engine.on('injection', (i) => journal.push(i)); ... off();
   */
  on(event: 'injection', listener: InjectionListener): () => void {
    if (event !== 'injection') throw new ChaosError('validation_error', `unknown engine event ${String(event)}`);
    this.injectionListeners.add(listener);
    return () => this.injectionListeners.delete(listener);
  }

  /** Adds rules, replacing any with the same id (the replaced rule ends, its count restarts). */
  upsertRules(input: unknown): Rule[] {
    const rules = parseRules(input);
    const now = this.clock.now();
    for (const rule of rules) {
      const previous = this.rules.get(rule.id);
      if (previous) this.end(previous, 'replaced', now);
      this.install(rule, now);
    }
    return rules;
  }

  /** Replaces the whole rule set atomically: nothing changes if any rule is invalid. */
  replaceRules(input: unknown): Rule[] {
    const rules = parseRules(input);
    const now = this.clock.now();
    for (const installed of [...this.rules.values()]) this.end(installed, 'replaced', now);
    for (const rule of rules) this.install(rule, now);
    return rules;
  }

  /** Removes one rule; throws a `ChaosError` `not_found` when no rule has that id. */
  removeRule(id: string): void {
    const installed = this.rules.get(id);
    if (!installed) throw new ChaosError('not_found', `no chaos rule ${id}`);
    this.end(installed, 'removed', this.clock.now());
  }

  /** The kill switch: ends every rule at once. Returns how many there were. */
  heal(): number {
    const all = [...this.rules.values()];
    const now = this.clock.now();
    for (const installed of all) this.end(installed, 'healed', now);
    return all.length;
  }

  /** The installed rules with their state and counts; rules found to have ended are retired first. */
  listRules(): RuleStatus[] {
    this.sweep();
    const now = this.clock.now();
    return [...this.rules.values()].map((i) => describeRule(i.rule, i.window, i.installedAt, i.count, now));
  }

  /** Rules in force now (started, not ended). */
  activeRuleCount(): number {
    this.sweep();
    const now = this.clock.now();
    return [...this.rules.values()].filter((i) => ruleState(i.rule, i.window, i.count, now) === 'active').length;
  }

  /** Retires rules whose time is up, logging their recovery (decide does this lazily per point). */
  sweep(): void {
    const now = this.clock.now();
    for (const installed of [...this.rules.values()]) {
      const state = ruleState(installed.rule, installed.window, installed.count, now);
      if (state === 'expired' || state === 'exhausted') this.end(installed, state, now);
    }
  }

  private install(rule: Rule, now: number): void {
    const installed: Installed = {
      rule,
      matcher: compileMatch(rule.match),
      random: deriveRandom(this.seed, rule.id, rule.point),
      window: ruleWindow(rule, now, this.defaultDurationMs),
      rate: rule.injector.kind === 'throttle' ? new RateWindow(rule.injector.ops_per_second) : undefined,
      installedAt: now,
      count: 0,
      ended: false,
      expiryTimer: undefined,
    };
    // Retire the rule when it expires, so its recovery is logged on time even if no call comes.
    // Unref'd: a pending expiry never keeps the process alive.
    if (this.expiryTimers && installed.window.endsAt !== null) {
      installed.expiryTimer = setTimeout(() => this.sweep(), installed.window.endsAt - now + 1).unref();
    }
    this.rules.set(rule.id, installed);
    this.byPoint.set(rule.point, [...(this.byPoint.get(rule.point) ?? []), installed]);
  }

  private inject(installed: Installed, now: number, requestId: string | undefined): Injection {
    const { rule } = installed;
    installed.count += 1;
    const injection: Injection = {
      seq: ++this.sequence,
      at: now,
      rule: rule.id,
      point: rule.point,
      kind: rule.injector.kind,
      injector: rule.injector,
      detail: resolveInjection(rule.injector, installed.random),
      ...(requestId === undefined ? {} : { request_id: requestId }),
    };
    this.log.push(injection);
    for (const listener of this.injectionListeners) {
      try {
        listener(injection);
      } catch (err) {
        this.logger.warn({ err, chaos: { event: 'listener_error', seq: injection.seq } }, 'chaos: an injection listener threw');
      }
    }
    this.metrics?.injected(rule.point, rule.injector.kind, rule.id);
    this.logger.warn(
      { chaos: { event: 'injection', rule: rule.id, point: rule.point, injector: rule.injector.kind, ...injection.detail, seq: injection.seq }, request_id: requestId },
      `chaos: ${rule.injector.kind} injected at ${rule.point} by rule ${rule.id}`,
    );
    if (rule.max_count !== undefined && installed.count >= rule.max_count) this.end(installed, 'exhausted', now);
    return injection;
  }

  private end(installed: Installed, reason: RuleEndReason, now: number): void {
    if (installed.ended) return;
    installed.ended = true;
    clearTimeout(installed.expiryTimer);
    const { rule } = installed;
    this.rules.delete(rule.id);
    const remaining = (this.byPoint.get(rule.point) ?? []).filter((i) => i !== installed);
    if (remaining.length === 0) this.byPoint.delete(rule.point);
    else this.byPoint.set(rule.point, remaining);
    // An expired rule ended at its deadline even if we notice later; report that instant.
    const endedAt = reason === 'expired' && installed.window.endsAt !== null ? installed.window.endsAt : now;
    this.metrics?.ruleEnded(reason);
    this.logger.info(
      { chaos: { event: 'recovery', rule: rule.id, point: rule.point, injector: rule.injector.kind, reason, injections: installed.count, ended_at: new Date(endedAt).toISOString() } },
      `chaos: rule ${rule.id} ended (${reason})`,
    );
  }
}
