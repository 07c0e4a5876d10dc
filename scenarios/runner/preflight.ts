// What a scenario asks of its target and adapter that they cannot give, found before anything starts.
// Found later, a step is only noted as not applied and a checker judges nothing: a run whose fault
// never happened, or whose deliveries were never watched, could pass as if the service had survived.
import { statSync } from 'node:fs';
import { pathProblem } from '../adapters/json-path.js';
import { placeholders } from '../adapters/request-template.js';
import { CHECKER_NAMES, type CheckerName } from '../checkers/registry.js';
import type { HttpAdapterSpec } from '../scenario/adapter-schema.js';
import type { MethodStep } from '../scenario/fault-schema.js';
import { ScenarioError, type FieldIssue } from '../scenario/scenario-error.js';
import type { Scenario } from '../scenario/scenario-schema.js';

/**
 * One issue per thing asked for that cannot be given, with what to change: the admin token the
 * triggers-api adapter makes the run's key with; the http adapter's placeholders it could not fill,
 * and the webhooks and checkers it cannot feed; delivery checkers with no webhook registered; each step the target cannot run (`method.2 (kill -9 worker)`).
 */
export function preflightProblems(scenario: Scenario, env: Record<string, string | undefined>): FieldIssue[] {
  const problems: FieldIssue[] = [];
  const { target } = scenario;
  if (scenario.adapter === 'triggers-api' && target.kind !== 'embedded' && !env[target.admin_token_env]) {
    problems.push({ path: 'adapter', message: `the triggers-api adapter makes the run's API key with the target's admin token: ${setToken(target.admin_token_env)}` });
  }
  if (scenario.adapter !== 'triggers-api') {
    const http = scenario.adapter.http;
    problems.push(...templateProblems(http, env));
    if (scenario.webhooks > 1) problems.push({ path: 'webhooks', message: `the http adapter registers one webhook (register_webhook), not ${scenario.webhooks}: set webhooks: 1` });
    // Checkers the adapter cannot feed would pass on nothing (no webhook: no delivery to judge) or fail
    // on nothing (no analytics read back), whatever the service did.
    scenario.gates.forEach((gate, i) => {
      if (!('invariants' in gate)) return;
      const deliveries = gate.invariants.filter((c) => DELIVERY_CHECKERS.has(c));
      if (deliveries.length > 0 && !http.register_webhook) {
        problems.push({ path: `gates.${i}.invariants`, message: `${deliveries.join(', ')} judge${deliveries.length === 1 ? 's' : ''} webhook deliveries, and adapter.http registers no webhook: add register_webhook (and receipt), or leave ${deliveries.length === 1 ? 'it' : 'them'} out` });
      }
      if (gate.invariants.includes('analytics_exact')) {
        problems.push({ path: `gates.${i}.invariants`, message: "analytics_exact reads the Triggers API's analytics summary, which the http adapter has no way to read: leave it out" });
      }
    });
  }
  if (scenario.webhooks === 0) {
    // With no webhook registered there is no delivery to judge: these checkers would pass on nothing.
    scenario.gates.forEach((gate, i) => {
      const deliveries = 'invariants' in gate ? gate.invariants.filter((c) => DELIVERY_CHECKERS.has(c)) : [];
      if (deliveries.length === 0) return;
      problems.push({ path: `gates.${i}.invariants`, message: `${deliveries.join(', ')} judge${deliveries.length === 1 ? 's' : ''} webhook deliveries, and webhooks: 0 registers none: set webhooks: 1, or leave ${deliveries.length === 1 ? 'it' : 'them'} out` });
    });
  }
  if (target.kind === 'command' && target.cwd !== undefined && !isDirectory(target.cwd)) {
    problems.push({ path: 'target.cwd', message: `${target.cwd} is not a directory: name the folder the command runs in` });
  }
  scenario.method.forEach((step, i) => {
    const message = problemOf(step, scenario.target, env);
    if (message) problems.push({ path: `method.${i}${step.name ? ` (${step.name})` : ''}`, message });
  });
  return problems;
}

/**
 * The preflight problems as the error a run throws (`invalid_scenario`, exit 2): the first in its
 * message, all of them in `issues`; undefined when there are none.
 */
export function preflightError(scenario: Scenario, env: Record<string, string | undefined>, file?: string): ScenarioError | undefined {
  const problems = preflightProblems(scenario, env);
  if (problems.length === 0) return undefined;
  const [first] = problems as [FieldIssue];
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return new ScenarioError('invalid_scenario', `${first.path}: ${first.message}${more}`, { file, issues: problems });
}

function problemOf(step: MethodStep, target: Scenario['target'], env: Record<string, string | undefined>): string | undefined {
  if (step.fault?.chaos && target.kind !== 'embedded' && !env[target.admin_token_env]) {
    return `chaos faults need the target's admin token: ${setToken(target.admin_token_env)}`;
  }
  if (step.fault?.proxy && target.kind === 'url') return "proxy faults need an embedded or command target: a url target's traffic cannot be rerouted";
  const needsProcesses = step.fault?.process !== undefined || step.action !== undefined;
  if (needsProcesses && (target.kind === 'url' || (target.kind === 'embedded' && target.mode !== 'processes'))) {
    return `${step.action ? 'a kill needs' : 'process faults need'} processes the runner started: an embedded target with mode: processes, or a command target`;
  }
  return undefined;
}

/**
 * Placeholders a request of the http adapter could not fill (a typo, a variable of another request, an
 * unset environment variable) and JSON paths it could not read, found now rather than on its first request.
 */
function templateProblems(http: HttpAdapterSpec, env: Record<string, string | undefined>): FieldIssue[] {
  const problems: FieldIssue[] = [];
  const requests: [string, unknown, readonly string[]][] = [
    ['headers', http.headers, ['run_id']],
    ['create_event', http.create_event, ['seq', 'event_type', 'idempotency_key', 'run_id']],
    ['read_event', http.read_event, ['id', 'run_id']],
    ['register_webhook', http.register_webhook, ['receiver_url', 'run_id']],
    ['dead_letters', http.dead_letters, ['webhook_id', 'run_id']],
    ['unregister_webhook', http.unregister_webhook, ['webhook_id', 'run_id']],
  ];
  for (const [name, path] of [['create_event.id', http.create_event.id], ['receipt.event_id', http.receipt?.event_id], ['dead_letters.event_id', http.dead_letters?.event_id], ['register_webhook.id', http.register_webhook?.id]] as const) {
    const problem = path === undefined ? undefined : pathProblem(path);
    if (problem) problems.push({ path: `adapter.http.${name}`, message: `${path} cannot be read: ${problem} (use member names and indexes, wildcards or ..)` });
  }
  if (http.unregister_webhook && !http.register_webhook) {
    problems.push({ path: 'adapter.http.unregister_webhook', message: 'removes the webhook register_webhook registers, and there is none: add register_webhook, or leave it out' });
  }
  if (http.dead_letters && !http.register_webhook && placeholders(http.dead_letters).includes('webhook_id')) {
    problems.push({ path: 'adapter.http.dead_letters', message: '{{webhook_id}} is the id register_webhook answers with, and there is none: add register_webhook, or leave {{webhook_id}} out' });
  }
  for (const [name, template, known] of requests) {
    for (const variable of placeholders(template)) {
      const path = `adapter.http.${name}`;
      if (variable.startsWith('env.')) {
        if (env[variable.slice(4)] === undefined) problems.push({ path, message: `{{${variable}}} has no value: set ${variable.slice(4)} in the environment` });
      } else if (!known.includes(variable)) {
        problems.push({ path, message: `{{${variable}}} is not a variable here: use ${known.map((k) => `{{${k}}}`).join(', ')} or {{env.NAME}}` });
      }
    }
  }
  return problems;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

const DELIVERY_CHECKERS = new Set<string>(['deliveries_complete', 'no_concurrent_double_delivery', 'same_id_on_retry']);

/**
 * The checkers a scenario's adapter can feed: the delivery checkers only when a webhook is registered
 * (`webhooks` above 0, and for the http adapter its register_webhook); analytics_exact only with the
 * triggers-api adapter (the http adapter cannot read analytics).
 */
export function feedableCheckers(scenario: Pick<Scenario, 'adapter' | 'webhooks'>): CheckerName[] {
  const { adapter } = scenario;
  const webhook = scenario.webhooks > 0 && (adapter === 'triggers-api' || adapter.http.register_webhook !== undefined);
  return CHECKER_NAMES.filter((c) => (adapter === 'triggers-api' || c !== 'analytics_exact') && (webhook || !DELIVERY_CHECKERS.has(c)));
}

const setToken = (variable: string) => `set ${variable} (or name another variable in target.admin_token_env)`;
