// Turns a scenario's load, phases and gates (the runner's vocabulary) into k6 options: one
// constant-arrival-rate scenario per phase, tagged with the phase, so a gate scoped to a phase is a
// threshold on that phase's tagged sub-metric; plus one VU that plays the fault timeline.
import type { Options, Scenario } from 'k6/options';

/** Durations in seconds, as the runner's phases: `{ baseline: 10, fault: 20, recovery: 30 }`. */
export type Phases = Record<string, number>;

/** A gate on the create_event operation, in one phase (k6 threshold expressions). */
export interface PhaseGate {
  phase: string;
  /** Largest failure rate (1 − the success_rate gate). */
  maxFailureRate?: number;
  /** Largest p99 latency, ms. */
  maxP99Ms?: number;
}

export interface TimelineSpec {
  /** Requests per second, open model. */
  rate: number;
  phases: Phases;
  gates: PhaseGate[];
}

/** Seconds from the start of the load at which `phase` begins. */
export function phaseStart(phases: Phases, phase: string): number {
  let at = 0;
  for (const [name, seconds] of Object.entries(phases)) {
    if (name === phase) return at;
    at += seconds;
  }
  throw new Error(`unknown phase ${phase}; phases are ${Object.keys(phases).join(', ')}`);
}

/** The k6 options for `spec`; the default function drives load, `faults` the fault timeline. */
export function timelineOptions(spec: TimelineSpec): Options {
  const scenarios: Record<string, Scenario> = {};
  for (const [phase, seconds] of Object.entries(spec.phases)) {
    scenarios[phase] = {
      executor: 'constant-arrival-rate',
      exec: 'createEvent',
      rate: spec.rate,
      timeUnit: '1s',
      duration: `${seconds}s`,
      startTime: `${phaseStart(spec.phases, phase)}s`,
      // Enough VUs for requests that slow down under faults, so k6 drops none (an open model).
      preAllocatedVUs: Math.max(2, Math.ceil(spec.rate / 5)),
      maxVUs: Math.max(10, spec.rate * 2),
      tags: { phase },
    };
  }
  scenarios.faults = { executor: 'shared-iterations', exec: 'faults', vus: 1, iterations: 1, startTime: '0s', maxDuration: '10m', tags: { phase: 'control' } };
  const thresholds: Record<string, string[]> = {
    // Requests k6 could not start on time mean the load was not the load asked for.
    dropped_iterations: ['count<1'],
  };
  for (const gate of spec.gates) {
    const scope = `{phase:${gate.phase},op:create_event}`;
    if (gate.maxFailureRate !== undefined) thresholds[`http_req_failed${scope}`] = [`rate<=${gate.maxFailureRate}`];
    if (gate.maxP99Ms !== undefined) thresholds[`http_req_duration${scope}`] = [`p(99)<=${gate.maxP99Ms}`];
  }
  return { scenarios, thresholds, summaryTrendStats: ['avg', 'p(50)', 'p(90)', 'p(99)', 'max'], setupTimeout: '60s' };
}

/**
 * The run every k6 script here shares: 50 events/s through a 10 s baseline, a 20 s fault phase and a
 * 30 s recovery; at most 1 % failures and p99 ≤ 250 ms outside the fault, `faultMaxFailureRate` in it.
 */
export function standardTimeline(faultMaxFailureRate: number): TimelineSpec {
  return {
    rate: 50,
    phases: { baseline: 10, fault: 20, recovery: 30 },
    gates: [
      { phase: 'baseline', maxFailureRate: 0.01, maxP99Ms: 250 },
      { phase: 'fault', maxFailureRate: faultMaxFailureRate },
      { phase: 'recovery', maxFailureRate: 0.01, maxP99Ms: 250 },
    ],
  };
}
