// The chaos package's configuration: the one place that turns environment variables (passed in as a
// plain record, never read from process.env here) and a rules file into a validated, frozen config.
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ChaosError, type ChaosErrorDetail } from '../chaos-error.js';
import { DYNAMODB_ERROR_NAMES, type DynamoDbErrorName } from '../faults/dynamodb-error.js';
import { parseRules, type Rule, type RuleInput } from '../rules/rule-schema.js';

/** What the host builds its engine from. */
export interface ChaosConfig {
  /** `CHAOS_ENABLED` (default false): nothing is injected unless this is true. */
  readonly enabled: boolean;
  /** `CHAOS_SEED` (default: a random integer, to be logged so the run can be replayed). */
  readonly seed: string;
  /** Rules from the shorthands, `CHAOS_RULES` and `CHAOS_RULES_FILE`, in that order. */
  readonly rules: readonly Rule[];
}

/** How to read the rules file and pick a seed when none is set (tests pass their own). */
export interface ChaosConfigSources {
  readFile?: (path: string) => string;
  randomSeed?: () => string;
}

type Env = Readonly<Record<string, string | undefined>>;

function invalid(variable: string, message: string): never {
  const details: ChaosErrorDetail[] = [{ path: variable, message }];
  throw new ChaosError('validation_error', `${variable}: ${message}`, { details });
}

function probability(variable: string, text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const p = Number(text);
  if (!Number.isFinite(p) || p < 0 || p > 1) invalid(variable, `probability must be between 0 and 1, got "${text}"`);
  return p;
}

function millis(variable: string, text: string): number {
  if (!/^\d+$/.test(text)) invalid(variable, `expected whole milliseconds, got "${text}"`);
  return Number(text);
}

/** `CHAOS_LATENCY_MS`: `250`, `100-500` (uniform), optionally `:probability` (default 1). */
function latencyRule(text: string): RuleInput {
  const [range = '', p] = text.split(':');
  const [min, max] = range.split('-');
  const injector =
    max === undefined
      ? { kind: 'latency' as const, ms: millis('CHAOS_LATENCY_MS', range) }
      : { kind: 'latency' as const, min_ms: millis('CHAOS_LATENCY_MS', min ?? ''), max_ms: millis('CHAOS_LATENCY_MS', max) };
  return { id: 'env-latency', point: 'dynamodb', injector, probability: probability('CHAOS_LATENCY_MS', p, 1), duration: null };
}

/** `CHAOS_DYNAMODB_ERROR`: `ThrottlingException:0.1`, several separated by commas. */
function errorRules(text: string): RuleInput[] {
  return text.split(',').map((part, i) => {
    const [name = '', p] = part.trim().split(':');
    if (!(DYNAMODB_ERROR_NAMES as readonly string[]).includes(name)) {
      invalid('CHAOS_DYNAMODB_ERROR', `unknown error "${name}" (one of ${DYNAMODB_ERROR_NAMES.join(', ')})`);
    }
    const error = name as DynamoDbErrorName;
    return { id: `env-dynamodb-error-${i + 1}`, point: 'dynamodb', injector: { kind: 'dynamodb_error', error }, probability: probability('CHAOS_DYNAMODB_ERROR', p, 0.1), duration: null };
  });
}

function jsonRules(variable: string, text: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    invalid(variable, `not valid JSON (${(error as Error).message})`);
  }
  return Array.isArray(parsed) ? parsed : (parsed as { rules?: unknown } | null)?.rules ?? parsed;
}

/**
 * Parses `CHAOS_*` variables. Shorthands target the DynamoDB point and last until healed
 * (`duration: null`); anything else is written as rules in `CHAOS_RULES` (JSON: an array or
 * `{ "rules": [...] }`) or in the file `CHAOS_RULES_FILE` names. Throws `ChaosError`
 * `validation_error` naming the variable or rule field at fault.
 *
 * @example
 * parseChaosConfig({ CHAOS_ENABLED: 'true', CHAOS_SEED: '42', CHAOS_LATENCY_MS: '100-500' });
 */
export function parseChaosConfig(env: Env, sources: ChaosConfigSources = {}): ChaosConfig {
  const readFile = sources.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const randomSeed = sources.randomSeed ?? (() => String(randomInt(0, 2 ** 31)));
  const enabledText = (env.CHAOS_ENABLED ?? 'false').trim().toLowerCase();
  if (!['true', '1', 'yes', 'on', 'false', '0', 'no', 'off', ''].includes(enabledText)) invalid('CHAOS_ENABLED', `expected true or false, got "${env.CHAOS_ENABLED}"`);
  const inputs: unknown[] = [];
  if (env.CHAOS_LATENCY_MS) inputs.push(latencyRule(env.CHAOS_LATENCY_MS.trim()));
  if (env.CHAOS_DYNAMODB_ERROR) inputs.push(...errorRules(env.CHAOS_DYNAMODB_ERROR));
  if (env.CHAOS_TIMEOUT_MS) {
    const [ms = '', p] = env.CHAOS_TIMEOUT_MS.trim().split(':');
    inputs.push({ id: 'env-timeout', point: 'dynamodb', injector: { kind: 'timeout', ms: millis('CHAOS_TIMEOUT_MS', ms) }, probability: probability('CHAOS_TIMEOUT_MS', p, 0.05), duration: null });
  }
  if (env.CHAOS_PARTIAL_FAILURE) {
    const p = probability('CHAOS_PARTIAL_FAILURE', env.CHAOS_PARTIAL_FAILURE.trim(), 0);
    inputs.push({ id: 'env-partial-failure', point: 'dynamodb', injector: { kind: 'partial_failure' }, probability: p, duration: null });
  }
  const shorthand = parseRules(inputs);
  const fromEnv = env.CHAOS_RULES ? parseRules(jsonRules('CHAOS_RULES', env.CHAOS_RULES), ['CHAOS_RULES']) : [];
  let fromFile: Rule[] = [];
  if (env.CHAOS_RULES_FILE) {
    let text: string;
    try {
      text = readFile(env.CHAOS_RULES_FILE);
    } catch (error) {
      invalid('CHAOS_RULES_FILE', `cannot read ${env.CHAOS_RULES_FILE} (${(error as Error).message})`);
    }
    fromFile = parseRules(jsonRules('CHAOS_RULES_FILE', text), ['CHAOS_RULES_FILE']);
  }
  const rules = [...shorthand, ...fromEnv, ...fromFile];
  parseRules(rules); // a duplicate id across sources is as wrong as within one
  return Object.freeze({
    enabled: ['true', '1', 'yes', 'on'].includes(enabledText),
    seed: env.CHAOS_SEED?.trim() || randomSeed(),
    rules: Object.freeze(rules),
  });
}
