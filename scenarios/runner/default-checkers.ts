// The five history checkers a scenario's `invariants` gate can name, by name.
import type { Checker } from '../checkers/checker.js';
import { CHECKERS } from '../checkers/registry.js';
import type { CheckerName } from '../scenario/judgement-schema.js';

/** Every checker available, by the name scenarios use. */
export function defaultCheckers(): Partial<Record<CheckerName, Checker>> {
  return { ...CHECKERS };
}
