// A scenario's plan in plain lines, as `aftershock validate` prints it: the target, the adapter, the
// load, the phases on the run's clock, each step of the timeline with what it does, the probes, the
// gates and the rollbacks. What the file means, once its defaults are filled in.
import { formatDuration } from '../gates/duration.js';
import { DEFAULT_OPERATION, DELIVERY_METRICS } from '../gates/metric.js';
import type { Action, Fault, MethodStep } from '../scenario/fault-schema.js';
import type { Gate, Probe } from '../scenario/judgement-schema.js';
import type { Scenario } from '../scenario/scenario-schema.js';

/** `0s`, `500ms`, `10s`, `2m`: a point on the run's clock or a length. */
const at = (ms: number) => (ms === 0 ? '0s' : formatDuration(ms));
/** ` of create_event` for an operation's metric; nothing for the receiver's. */
const ofOperation = (metric: string, of: string | undefined) => ((DELIVERY_METRICS as readonly string[]).includes(metric) ? '' : ` of ${of ?? DEFAULT_OPERATION}`);
const percent = (share: number) => `${Number((share * 100).toFixed(1))} %`;
const pairs = (o: Record<string, unknown>) =>
  Object.entries(o)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('|') : String(v)}`)
    .join(' ');

/** The plan, one line per item; continuation lines are indented under their heading. */
export function planLines(scenario: Scenario): string[] {
  const { phases } = scenario;
  const faultStart = phases.baseline;
  const recoveryStart = faultStart + phases.fault;
  const end = recoveryStart + phases.recovery;
  const loadMs = scenario.load.duration ?? end;
  const mixTotal = Object.values(scenario.load.mix).reduce((a, b) => a + (b ?? 0), 0);
  const mix = Object.entries(scenario.load.mix)
    .filter(([, w]) => (w ?? 0) > 0)
    .map(([op, w]) => `${op} ${percent((w ?? 0) / mixTotal)}`)
    .join(', ');
  const phaseOf = (ms: number) => (ms < faultStart ? 'baseline' : ms < recoveryStart ? 'fault' : 'recovery');
  const steps = [...scenario.method].sort((a, b) => a.at - b.at);
  const section = (heading: string, items: string[]) => items.map((item, i) => `${(i === 0 ? heading : '').padEnd(10)} ${item}`);
  return [
    ...section('target', [targetLine(scenario.target, scenario.adapter === 'triggers-api' || scenario.method.some((step) => step.fault?.chaos !== undefined))]),
    ...section('adapter', [adapterLine(scenario)]),
    ...section('load', [
      `${scenario.load.rate}/s for ${at(loadMs)}: ${Math.round((scenario.load.rate * loadMs) / 1000)} requests (${mix}), at most ${scenario.load.max_in_flight} in flight`,
    ]),
    ...section('phases', [`baseline 0s–${at(faultStart)} · fault ${at(faultStart)}–${at(recoveryStart)} · recovery ${at(recoveryStart)}–${at(end)}`]),
    ...section('timeline', steps.length === 0 ? ['no faults or actions'] : steps.map((s) => `${span(s).padEnd(13)} ${phaseOf(s.at).padEnd(8)} ${s.name ? `"${s.name}": ` : ''}${stepLine(s)}`)),
    ...section('probes', scenario.steady_state.length === 0 ? ['none'] : scenario.steady_state.map(probeLine)),
    ...section('gates', scenario.gates.length === 0 ? ['none: the run passes whatever it measures'] : scenario.gates.map(gateLine)),
    ...section('after', [`rollbacks: ${scenario.rollbacks.map((r) => `heal ${r.heal}`).join(', ')}; then up to ${at(scenario.quiesce)} for deliveries to settle`]),
    ...section('seed', [scenario.seed === undefined ? 'drawn per run and printed (replay with --seed)' : `${scenario.seed}, fixed in the file`]),
  ];
}

/** The target in a line; `usesToken`: the adapter or a chaos step reads the admin token (named then). */
function targetLine(target: Scenario['target'], usesToken: boolean): string {
  if (target.kind === 'embedded') {
    return target.mode === 'processes'
      ? `the embedded Triggers API as processes: a server and ${target.workers} worker${target.workers === 1 ? '' : 's'} on one store`
      : 'the embedded Triggers API, in process';
  }
  if (target.kind === 'url') return usesToken ? `${target.base_url} (admin token from $${target.admin_token_env})` : target.base_url;
  return `the command \`${target.run}\`${target.cwd ? ` in ${target.cwd}` : ''}, ready when ${target.ready_url} answers 2xx within ${at(target.ready_timeout)}`;
}

function adapterLine(scenario: Scenario): string {
  const webhooks = `${scenario.webhooks} webhook${scenario.webhooks === 1 ? '' : 's'} to the runner's receiver`;
  if (scenario.adapter === 'triggers-api') return `triggers-api, ${webhooks}`;
  const http = scenario.adapter.http;
  const request = (r: { method: string; path: string }) => `${r.method} ${r.path}`;
  const parts = [`creates with ${request(http.create_event)} (id at ${http.create_event.id})`, `reads with ${request(http.read_event)}`];
  parts.push(http.register_webhook ? `registers ${webhooks.replace(/s? to/, ' to')} with ${request(http.register_webhook)}` : 'registers no webhook');
  if (http.register_webhook && http.unregister_webhook) parts.push(`removes it at the end with ${request(http.unregister_webhook)}`);
  if (http.dead_letters) parts.push(`reads dead letters with ${request(http.dead_letters)} (event ids at ${http.dead_letters.event_id})`);
  return `http: ${parts.join(', ')}`;
}

function span(step: MethodStep): string {
  const until = step.for ?? step.action?.restart_after;
  return until === undefined ? at(step.at) : `${at(step.at)}–${at(step.at + until)}`;
}

function stepLine(step: MethodStep): string {
  return step.action ? actionLine(step.action) : faultLine(step.fault!);
}

function actionLine(action: Action): string {
  const which = `${action.kill}${action.index === undefined ? '' : ` ${action.index}`}`;
  return `kill ${which} (${action.signal})${action.restart_after === undefined ? ', not restarted' : `, restarted after ${at(action.restart_after)}`}`;
}

function faultLine(fault: Fault): string {
  if (fault.chaos) {
    const { point, injector, probability, match } = fault.chaos;
    const { kind, ...settings } = injector;
    const where = match && Object.keys(match).length > 0 ? ` where ${pairs(match)}` : '';
    return `chaos at ${point}: ${[kind, pairs(settings)].filter(Boolean).join(' ')}${probability === undefined ? '' : `, ${percent(probability)} of calls`}${where}`;
  }
  if (fault.proxy) {
    const { link, toxic, down } = fault.proxy;
    if (down || !toxic) return `proxy link ${link}: down`;
    const detail = [toxic.type, toxic.stream, pairs(toxic.attributes ?? {})].filter(Boolean).join(' ');
    return `proxy link ${link}: ${detail}${toxic.toxicity === undefined ? '' : `, ${percent(toxic.toxicity)} of connections`}`;
  }
  if (fault.receiver) {
    const r = fault.receiver;
    const does = [
      r.status === undefined ? '' : `answers ${r.status}`,
      r.delay === undefined ? '' : `waits ${at(r.delay)}`,
      r.hang ? 'hangs' : '',
      r.reset ? 'resets the connection' : '',
      r.trickle === undefined ? '' : `trickles its answer over ${at(r.trickle)}`,
    ].filter(Boolean);
    return `receiver ${does.join(', ')}${r.probability === undefined ? '' : `, ${percent(r.probability)} of receipts`}`;
  }
  const p = fault.process!;
  return `${p.stop}${p.index === undefined ? '' : ` ${p.index}`} stopped (SIGSTOP), continued at the end`;
}

function probeLine(probe: Probe): string {
  if (probe.http) return `${probe.name}: GET ${probe.http.get} answers ${probe.tolerance.text}`;
  return `${probe.name}: ${probe.metric}${ofOperation(probe.metric!, probe.of)} ${probe.tolerance.text}`;
}

function gateLine(gate: Gate): string {
  const named = (text: string) => (gate.name ? `${gate.name}: ${text}` : text);
  if ('invariants' in gate) return named(`invariants ${gate.invariants.join(', ')}`);
  if ('recovery_time' in gate) return named(`recovery time ${gate.recovery_time.text} for ${gate.probes.join(', ')} (each holding ${at(gate.hold)})`);
  return named(`${gate.metric}${ofOperation(gate.metric, gate.of)} over ${gate.phase} ${gate.tolerance.text}`);
}
