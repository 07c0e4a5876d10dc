// Builders shared by the gate tests: tolerances that must parse, and measurements shaped by a script.
import { Measurements } from '../../../scenarios/measure/measurements.js';
import { parseTolerance, type Tolerance } from '../../../scenarios/gates/tolerance.js';

/** A tolerance that is known to parse. */
export function tol(input: string | number): Tolerance {
  const parsed = parseTolerance(input);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

/**
 * Ten create_event outcomes per second for `seconds` seconds; `failing(second)` makes that second's
 * requests fail with 503, and `latencyMs(second)` sets their latency.
 */
export function scripted(seconds: number, failing: (second: number) => boolean, latencyMs: (second: number) => number = () => 20): Measurements {
  const m = new Measurements();
  for (let s = 0; s < seconds; s++) {
    for (let i = 0; i < 10; i++) {
      const intended = s * 1000 + i * 100;
      const bad = failing(s);
      m.recordOp({ op: 'create_event', intended, end: intended + latencyMs(s), ok: !bad, status: bad ? 503 : 201 });
    }
  }
  return m;
}
