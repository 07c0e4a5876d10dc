// Steps the target cannot run are refused before anything starts (exit 2), not noted mid-run as "could
// not be applied" under a verdict that may pass without the fault ever happening.
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { feedableCheckers, preflightProblems } from '../../../scenarios/runner/preflight.js';
import { runScenario } from '../../../scenarios/runner/run-scenario.js';
import { ScenarioError } from '../../../scenarios/scenario/scenario-error.js';
import { parseScenario } from '../../../scenarios/scenario/parse-scenario.js';
import type { ScenarioInput } from '../../../scenarios/scenario/scenario-schema.js';
import { unusedPort } from '../../support/unused-port.js';

const chaos = { name: 'slow store', at: '1s', for: '1s', fault: { chaos: { point: 'dynamodb', injector: { kind: 'latency', ms: 100 } } } } as const;
const proxy = { name: 'store down', at: '1s', for: '1s', fault: { proxy: { link: 'dynamodb', down: true } } } as const;
const kill = { name: 'kill -9 worker', at: '1s', action: { kill: 'worker', restart_after: '500ms' } } as const;
const stop = { at: '1s', for: '1s', fault: { process: { stop: 'worker' } } } as const;

// An http adapter, so only the steps are judged (the triggers-api adapter needs a token of its own).
const adapter = { http: { create_event: { method: 'POST', path: '/events', id: '$.id' }, read_event: { path: '/events/{{id}}' } } } as const;
function scenario(target: ScenarioInput['target'], method: ScenarioInput['method'], withAdapter: ScenarioInput['adapter'] = adapter): ScenarioInput {
  return { title: 'preflight', target, adapter: withAdapter, load: { rate: 5 }, phases: { baseline: '1s', fault: '1s', recovery: '1s' }, method };
}

const url = { kind: 'url', base_url: 'http://127.0.0.1:9' } as const;
const command = { kind: 'command', run: 'true', ready_url: 'http://127.0.0.1:9/' } as const;
const problems = (input: ScenarioInput, env: Record<string, string> = {}) => preflightProblems(parseScenario(input), env);

describe('preflight', () => {
  it('asks for the admin token a chaos fault needs, by the variable the target names', () => {
    expect(problems(scenario(url, [chaos]))).toEqual([{ path: 'method.0 (slow store)', message: expect.stringContaining('set AFTERSHOCK_ADMIN_TOKEN') }]);
    expect(problems(scenario({ ...command, admin_token_env: 'MY_TOKEN' }, [chaos]))[0]?.message).toContain('set MY_TOKEN');
    expect(problems(scenario(url, [chaos]), { AFTERSHOCK_ADMIN_TOKEN: 'adm_x' })).toEqual([]);
    // The embedded target makes its own token.
    expect(problems(scenario({ kind: 'embedded' }, [chaos]))).toEqual([]);
  });

  it('asks for the admin token the triggers-api adapter makes its key with, outside the embedded target', () => {
    expect(problems(scenario(url, [], 'triggers-api'))).toEqual([{ path: 'adapter', message: expect.stringContaining("makes the run's API key with the target's admin token: set AFTERSHOCK_ADMIN_TOKEN") }]);
    expect(problems(scenario(url, [], 'triggers-api'), { AFTERSHOCK_ADMIN_TOKEN: 'adm_x' })).toEqual([]);
    expect(problems(scenario({ kind: 'embedded' }, [], 'triggers-api'))).toEqual([]);
  });

  it('refuses checkers the http adapter cannot feed: deliveries without a webhook, analytics at all', () => {
    const gates = (input: ScenarioInput, g: ScenarioInput['gates']) => ({ ...input, gates: g });
    const all = [{ invariants: ['no_lost_events', 'deliveries_complete', 'same_id_on_retry'] }, { invariants: ['analytics_exact'] }] as NonNullable<ScenarioInput['gates']>;
    expect(problems(gates(scenario(command, []), all))).toEqual([
      { path: 'gates.0.invariants', message: 'deliveries_complete, same_id_on_retry judge webhook deliveries, and adapter.http registers no webhook: add register_webhook (and receipt), or leave them out' },
      { path: 'gates.1.invariants', message: "analytics_exact reads the Triggers API's analytics summary, which the http adapter has no way to read: leave it out" },
    ]);
    const withWebhook = { http: { ...adapter.http, register_webhook: { method: 'POST', path: '/subscriptions', body: { url: '{{receiver_url}}' } } } } as const;
    expect(problems(gates(scenario(command, [], withWebhook), [all[0]!]))).toEqual([]);
    expect(problems(gates(scenario({ kind: 'embedded' }, [], 'triggers-api'), all))).toEqual([]);
    expect(problems({ ...scenario(command, [], withWebhook), webhooks: 3 })).toEqual([{ path: 'webhooks', message: 'the http adapter registers one webhook (register_webhook), not 3: set webhooks: 1' }]);
  });

  it('refuses delivery checkers when no webhook is registered, whatever the adapter', () => {
    const judged = { ...scenario({ kind: 'embedded' }, [], 'triggers-api'), gates: [{ invariants: ['no_lost_events', 'deliveries_complete', 'no_concurrent_double_delivery'] }] } as ScenarioInput;
    expect(problems({ ...judged, webhooks: 0 })).toEqual([
      { path: 'gates.0.invariants', message: 'deliveries_complete, no_concurrent_double_delivery judge webhook deliveries, and webhooks: 0 registers none: set webhooks: 1, or leave them out' },
    ]);
    expect(problems(judged)).toEqual([]);
    expect(problems({ ...judged, webhooks: 0, gates: [{ invariants: ['no_lost_events', 'analytics_exact'] }] })).toEqual([]);
    // An exploration judges with the checkers its scenario can feed, so it leaves them out too.
    expect(feedableCheckers({ adapter: 'triggers-api', webhooks: 0 })).toEqual(['no_lost_events', 'analytics_exact']);
    expect(feedableCheckers({ adapter: 'triggers-api', webhooks: 1 })).toHaveLength(5);
    expect(feedableCheckers({ adapter: parseScenario(scenario(url, [])).adapter, webhooks: 1 })).toEqual(['no_lost_events']);
  });

  it("names the http adapter's placeholders it could not fill: an unset variable, a typo, another request's variable", () => {
    const templated = {
      http: {
        headers: { authorization: 'Bearer {{env.SERVICE_TOKEN}}' },
        create_event: { method: 'POST', path: '/events', headers: { 'idempotency-key': '{{idempotency_key}}' }, body: { type: '{{evnt_type}}', n: '{{seq}}' }, id: '$.id' },
        read_event: { path: '/events/{{seq}}' },
      },
    } as const;
    expect(problems(scenario(command, [], templated))).toEqual([
      { path: 'adapter.http.headers', message: '{{env.SERVICE_TOKEN}} has no value: set SERVICE_TOKEN in the environment' },
      { path: 'adapter.http.create_event', message: '{{evnt_type}} is not a variable here: use {{seq}}, {{event_type}}, {{idempotency_key}}, {{run_id}} or {{env.NAME}}' },
      { path: 'adapter.http.read_event', message: '{{seq}} is not a variable here: use {{id}}, {{run_id}} or {{env.NAME}}' },
    ]);
    const fixed = { http: { ...templated.http, create_event: { ...templated.http.create_event, body: { type: '{{event_type}}', n: '{{seq}}' } }, read_event: { path: '/events/{{id}}' } } };
    expect(problems(scenario(command, [], fixed), { SERVICE_TOKEN: 't' })).toEqual([]);
    const filtered = { http: { ...fixed.http, create_event: { ...fixed.http.create_event, id: '$.items[?(@.new)].id' } } };
    expect(problems(scenario(command, [], filtered), { SERVICE_TOKEN: 't' })).toEqual([
      { path: 'adapter.http.create_event.id', message: '$.items[?(@.new)].id cannot be read: its segment [?(@.new)] is a script expression, and those are off (use member names and indexes, wildcards or ..)' },
    ]);
  });

  it('checks the dead_letters request like the others: its variables and its JSON path', () => {
    const withDlq = (deadLetters: { path: string; event_id: string }) => ({ http: { ...adapter.http, register_webhook: { method: 'PUT', path: '/hooks/{{run_id}}', body: { target: '{{receiver_url}}' } }, dead_letters: deadLetters } }) as const;
    expect(problems(scenario(command, [], withDlq({ path: '/hooks/{{run_id}}/dead', event_id: '$.items[*].event_id' })))).toEqual([]);
    expect(problems(scenario(command, [], withDlq({ path: '/hooks/{{id}}/dead', event_id: '$.items[?(@.x)].event_id' })))).toEqual([
      { path: 'adapter.http.dead_letters.event_id', message: '$.items[?(@.x)].event_id cannot be read: its segment [?(@.x)] is a script expression, and those are off (use member names and indexes, wildcards or ..)' },
      { path: 'adapter.http.dead_letters', message: '{{id}} is not a variable here: use {{webhook_id}}, {{run_id}} or {{env.NAME}}' },
    ]);
    // A per-webhook list takes the registered webhook's id, and needs a registration to take it from.
    expect(problems(scenario(command, [], withDlq({ path: '/hooks/{{webhook_id}}/dead', event_id: '$.items[*].event_id' })))).toEqual([]);
    expect(problems(scenario(command, [], { http: { ...adapter.http, dead_letters: { path: '/hooks/{{webhook_id}}/dead', event_id: '$.items[*].event_id' } } }))).toEqual([
      { path: 'adapter.http.dead_letters', message: '{{webhook_id}} is the id register_webhook answers with, and there is none: add register_webhook, or leave {{webhook_id}} out' },
    ]);
  });

  it('checks unregister_webhook: its variables, and that there is a webhook to remove', () => {
    const register = { method: 'POST', path: '/hooks', body: { url: '{{receiver_url}}' }, id: '$.hook.id' } as const;
    expect(problems(scenario(command, [], { http: { ...adapter.http, register_webhook: register, unregister_webhook: { path: '/hooks/{{webhook_id}}' } } }))).toEqual([]);
    expect(problems(scenario(command, [], { http: { ...adapter.http, register_webhook: register, unregister_webhook: { path: '/hooks/{{id}}' } } }))).toEqual([
      { path: 'adapter.http.unregister_webhook', message: '{{id}} is not a variable here: use {{webhook_id}}, {{run_id}} or {{env.NAME}}' },
    ]);
    expect(problems(scenario(command, [], { http: { ...adapter.http, unregister_webhook: { path: '/hooks/{{run_id}}' } } }))).toEqual([
      { path: 'adapter.http.unregister_webhook', message: 'removes the webhook register_webhook registers, and there is none: add register_webhook, or leave it out' },
    ]);
  });

  it("refuses a command target's working folder that does not exist", () => {
    expect(problems(scenario({ ...command, cwd: '/no/such/folder' }, []))).toEqual([{ path: 'target.cwd', message: '/no/such/folder is not a directory: name the folder the command runs in' }]);
    expect(problems(scenario({ ...command, cwd: tmpdir() }, []))).toEqual([]);
  });

  it('refuses proxy faults on a url target, and kills and stops where the runner started no process', () => {
    expect(problems(scenario(url, [proxy]))[0]?.message).toContain('proxy faults need an embedded or command target');
    expect(problems(scenario(command, [proxy]))).toEqual([]);
    expect(problems(scenario({ kind: 'embedded' }, [kill, stop])).map((p) => p.path)).toEqual(['method.0 (kill -9 worker)', 'method.1']);
    expect(problems(scenario(url, [kill]))[0]?.message).toContain('a kill needs processes the runner started');
    expect(problems(scenario({ kind: 'embedded', mode: 'processes' }, [kill, stop]))).toEqual([]);
    expect(problems(scenario(command, [kill, stop]))).toEqual([]);
  });

  it('stops a run before it reaches for the target: exit 2, not 3 for the target no one started', async () => {
    const port = await unusedPort();
    const run = runScenario(scenario({ kind: 'url', base_url: `http://127.0.0.1:${port}` }, [chaos, kill]), { env: {} });
    const err = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as ScenarioError).exitCode).toBe(2);
    expect((err as ScenarioError).message).toBe(
      "method.0 (slow store): chaos faults need the target's admin token: set AFTERSHOCK_ADMIN_TOKEN (or name another variable in target.admin_token_env) (and 1 more)",
    );
    expect((err as ScenarioError).issues).toHaveLength(2);
  });
});
