// Which fault families a service of the user's own can take, and why the others are not offered:
// the receiver's always; a kill -9 and a proxied receiver link only when the runner started the
// service (a command target); chaos rules only when it speaks the Triggers API's chaos control.
import type { Scenario } from '../scenario/scenario-schema.js';
import type { CommandTarget, UrlTarget } from '../scenario/target-schema.js';
import { FAULT_FAMILIES, type FaultFamily } from './vocabulary.js';

/** The families offered, and for each other one the reason, as a phrase. */
export interface FamilyChoice {
  offered: FaultFamily[];
  refused: Map<FaultFamily, string>;
}

/**
 * The families `scenario`'s target can take. `chaos` is what its `GET /_chaos/rules` said with the
 * admin token (see `chaosState`); before the service has been reached, leave it out and the chaos
 * families are offered whenever the adapter could reach them.
 * @example targetFamilies({ target: { kind: 'url', … }, adapter: { http: … } }).offered // ['receiver']
 */
export function targetFamilies(scenario: Pick<Scenario, 'adapter'> & { target: UrlTarget | CommandTarget }, chaos?: 'on' | 'off' | 'unknown'): FamilyChoice {
  const refused = new Map<FaultFamily, string>();
  const { target, adapter } = scenario;
  if (target.kind === 'url') {
    refused.set('process', 'the runner does not start a url target, so it cannot kill and restart it');
    refused.set('proxy', "a url target's traffic cannot be rerouted through the fault proxy");
  }
  const noChaos =
    adapter !== 'triggers-api'
      ? 'the http adapter has no chaos control'
      : chaos === 'off'
        ? "the target's chaos engine is off: start it with CHAOS_ENABLED=true"
        : chaos === 'unknown'
          ? "the target's /_chaos control API did not answer its admin token"
          : undefined;
  if (noChaos) for (const family of ['worker', 'dynamodb'] as const) refused.set(family, noChaos);
  return { offered: FAULT_FAMILIES.filter((f) => !refused.has(f)), refused };
}
