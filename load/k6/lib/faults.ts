// Fault steps for the k6 scripts, through the same HTTP APIs the scenario runner drives: the target's
// `/_chaos` control API and Toxiproxy's. Every fault has an end: each step heals what it started, and
// heal() (teardown) removes everything even when a run is cut short.
import http from 'k6/http';
import { setTimeout } from 'k6/timers';
import type { K6Env } from './env.ts';

/** One step of a fault timeline, relative to the start of the load. */
export interface FaultStep {
  /** Seconds after the load starts. */
  at: number;
  /** Seconds until the step heals itself. */
  for: number;
  start(env: K6Env): void;
  stop(env: K6Env): void;
}

const control = { tags: { op: 'fault' } };
const admin = (env: K6Env) => ({ ...control, headers: { authorization: `Bearer ${env.adminToken}`, 'content-type': 'application/json' } });

function expectOk(what: string, status: number): void {
  if (status < 200 || status >= 300) throw new Error(`${what} failed with HTTP ${status}`);
}

/** A chaos rule on the target (`/_chaos/rules`); it also expires by itself after `for` seconds. */
export function chaosRule(at: number, seconds: number, rule: Record<string, unknown> & { id: string }): FaultStep {
  return {
    at,
    for: seconds,
    start: (env) => expectOk(`chaos rule ${rule.id}`, http.put(`${env.targetUrl}/_chaos/rules`, JSON.stringify({ rules: [{ ...rule, duration: seconds * 1000 }] }), admin(env)).status),
    stop: (env) => void http.del(`${env.targetUrl}/_chaos/rules/${rule.id}`, null, admin(env)),
  };
}

/** A Toxiproxy link down (`enabled: false`): the listener closes and open connections drop. */
export function linkDown(at: number, seconds: number, link: string): FaultStep {
  const set = (env: K6Env, enabled: boolean) => http.post(`${env.toxiproxyUrl}/proxies/${link}`, JSON.stringify({ enabled }), control).status;
  return { at, for: seconds, start: (env) => expectOk(`disabling ${link}`, set(env, false)), stop: (env) => void set(env, true) };
}

/** A toxic on a Toxiproxy link, e.g. `{ type: 'latency', attributes: { latency: 200 } }`. */
export function toxic(at: number, seconds: number, link: string, spec: { type: string; stream?: string; attributes: Record<string, number> }): FaultStep {
  const name = `k6-${spec.type}`;
  return {
    at,
    for: seconds,
    start: (env) => expectOk(`${spec.type} on ${link}`, http.post(`${env.toxiproxyUrl}/proxies/${link}/toxics`, JSON.stringify({ name, toxicity: 1, stream: 'downstream', ...spec }), control).status),
    stop: (env) => void http.del(`${env.toxiproxyUrl}/proxies/${link}/toxics/${name}`, null, control),
  };
}

/** Plays `steps` with timers; the calling iteration lasts until the last step has healed. */
export function playTimeline(env: K6Env, steps: FaultStep[]): void {
  for (const step of steps) {
    setTimeout(() => {
      console.log(`fault start at ${step.at}s for ${step.for}s`);
      step.start(env);
      setTimeout(() => step.stop(env), step.for * 1000);
    }, step.at * 1000);
  }
}

/** Ends every fault the scripts can start: all chaos rules and every toxic and disabled link. */
export function healAll(env: K6Env): void {
  http.post(`${env.targetUrl}/_chaos/heal`, null, admin(env));
  http.post(`${env.toxiproxyUrl}/reset`, null, control);
}
