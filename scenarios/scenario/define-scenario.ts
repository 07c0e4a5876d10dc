// Scenarios written in TypeScript: `defineScenario()` gives editor types and checks the object at once.
import { parseScenario } from './parse-scenario.js';
import type { ScenarioInput } from './scenario-schema.js';

/**
 * Types a scenario written in TypeScript and validates it at once; returns it as written (the
 * loader and `runScenario` take that form). Throws `ScenarioError` `invalid_scenario` naming the bad field.
 *
 * @example
 * export default defineScenario({
 *   title: 'Receiver outage',
 *   load: { rate: 20 },
 *   phases: { baseline: '3s', fault: '5s', recovery: '5s' },
 *   method: [{ at: '3s', for: '5s', fault: { receiver: { status: 503 } } }],
 *   gates: [{ invariants: ['no_lost_events'] }],
 * });
 */
export function defineScenario(scenario: ScenarioInput): ScenarioInput {
  parseScenario(scenario, scenario.title ? `scenario "${scenario.title}"` : '<inline>');
  return scenario;
}
