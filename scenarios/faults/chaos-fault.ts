// `chaos` faults: a rule installed through the target's `/_chaos` control API for the step's window,
// with the window also given to the rule itself, so it expires even if the runner dies.
import type { ChaosRelayMessage } from '../../reference-server/src/index.js';
import { ScenarioError } from '../scenario/scenario-error.js';
import type { ChaosFault } from '../scenario/fault-schema.js';
import { once, type ActiveFault } from './active-fault.js';

/** What installing a rule needs. */
export interface ChaosFaultContext {
  baseUrl: string;
  adminToken: string | undefined;
  onError: (err: unknown) => void;
  /** Worker processes' engines, which have no control API (embedded processes): `worker` rules go there too. */
  relay?: (message: ChaosRelayMessage) => void;
}

/** How long after installing it a `crash` rule starts (its window still ends when the step's does). */
export const CRASH_DELAY_MS = 100;

async function control(ctx: ChaosFaultContext, method: string, path: string, body?: unknown): Promise<Response> {
  if (!ctx.adminToken) throw new ScenarioError('invalid_options', 'chaos faults need the target’s admin token (target.admin_token_env)');
  return fetch(ctx.baseUrl + path, {
    method,
    headers: { authorization: `Bearer ${ctx.adminToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(5_000),
  });
}

/**
 * How often rule `id` fired: its count while installed, else (it expired first and was retired) the
 * entries of the target's bounded injection log that name it, a lower bound.
 */
async function injectionCount(ctx: ChaosFaultContext, id: string): Promise<number | undefined> {
  const rules = (await (await control(ctx, 'GET', '/_chaos/rules')).json()) as { rules?: { id: string; count: number }[] };
  const rule = rules.rules?.find((r) => r.id === id);
  if (rule) return rule.count;
  const limit = 1000;
  const log = (await (await control(ctx, 'GET', `/_chaos/log?limit=${limit}`)).json()) as { entries?: { rule: string }[] };
  const count = log.entries?.filter((e) => e.rule === id).length;
  // None in a full log says only that other rules' entries pushed this one's out: unknown, not 0.
  return count === 0 && (log.entries?.length ?? 0) >= limit ? undefined : count;
}

/**
 * How long a heal keeps asking a target that does not answer. A server killed and started again by the
 * scenario comes back without its rules (they live in the process): the heal then finds none (404),
 * which is the healed state.
 */
const HEAL_RETRY_MS = 10_000;

/** `request`, asked again every 200 ms while the target does not answer at all, for up to `ms`. */
async function answered(request: () => Promise<Response>, ms: number): Promise<Response> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await request();
    } catch (err) {
      if (Date.now() + 200 > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/**
 * The rule `id` a chaos step of `forMs` installs, window included. The runner sends it to the target,
 * and exploration's in-process stacks put it straight into their engine, so a found schedule replays
 * with the windows it was explored with.
 */
export function chaosRule(fault: ChaosFault, id: string, forMs: number) {
  // A crash ends the process that answers the control API: it waits a moment, so the answer gets out first.
  const delay = fault.injector.kind === 'crash' ? CRASH_DELAY_MS : 0;
  return { id, point: fault.point, match: fault.match ?? {}, injector: fault.injector, probability: fault.probability ?? 1, start_after: delay, duration: Math.max(1, forMs - delay) };
}

/**
 * Installs the rule `id` for `forMs`. Throws when the target refuses it (the answer's message), so a
 * scenario whose rule the service rejects fails loudly instead of running without its fault.
 */
export async function applyChaosFault(fault: ChaosFault, id: string, forMs: number, ctx: ChaosFaultContext): Promise<ActiveFault> {
  const rule = chaosRule(fault, id, forMs);
  const res = await control(ctx, 'PUT', '/_chaos/rules', { rules: [rule] });
  if (!res.ok) throw new Error(`the target refused chaos rule ${id}: ${res.status} ${(await res.text()).slice(0, 300)}`);
  // The server validated it; worker processes get the same rule (their injections are not counted here).
  const relay = fault.point === 'worker' ? ctx.relay : undefined;
  relay?.({ type: 'chaos', action: 'upsert', rules: [rule] });
  let injections: number | undefined;
  const heal = once(async () => {
    relay?.({ type: 'chaos', action: 'remove', id });
    injections = await injectionCount(ctx, id).catch(() => undefined);
    const gone = await answered(() => control(ctx, 'DELETE', `/_chaos/rules/${encodeURIComponent(id)}`), HEAL_RETRY_MS).catch((err: Error) => {
      throw new Error(`healing chaos rule ${id}: the target did not answer for ${HEAL_RETRY_MS / 1000} s (${err.message})`);
    });
    if (!gone.ok && gone.status !== 404) throw new Error(`healing chaos rule ${id} answered ${gone.status}`);
  }, ctx.onError);
  // The server's count leaves out the worker processes' injections: say so rather than report a partial number.
  const healedDetail = () => (relay ? { injections_in: 'worker processes' } : injections === undefined ? undefined : { injections });
  return { kind: 'chaos', label: `chaos:${fault.point}`, detail: rule, heal, healedDetail };
}

/**
 * Throws `ScenarioError` `setup_failed` when the target's chaos engine is off (`GET /_chaos/rules` says
 * `enabled: false`): it would accept every rule and fire none, and the run would pass as if the service
 * had withstood faults it never saw. Any other answer (no control API, a token it refuses) is left to
 * the steps, which report their own refusal.
 */
export async function assertChaosEnabled(ctx: ChaosFaultContext): Promise<void> {
  // A target with no control API, or one that refuses the token, would fail every chaos step: the run
  // would pass as `deviated` with its faults never applied, and a CI job would go green on it.
  const res = await control(ctx, 'GET', '/_chaos/rules').catch(() => undefined);
  await res?.body?.cancel().catch(() => undefined);
  if (res?.status === 404 || res?.status === 405) {
    throw new ScenarioError('setup_failed', `the target has no chaos control API (GET /_chaos/rules answered ${res.status}), so its chaos steps cannot be applied: remove them, or point the run at a target that has one (the Triggers API serves it)`);
  }
  if (res?.status === 401 || res?.status === 403) {
    throw new ScenarioError('setup_failed', `the target refused the admin token on GET /_chaos/rules (${res.status}), so its chaos steps cannot be applied: check the token in target.admin_token_env`);
  }
  if ((await chaosState(ctx)) === 'off') {
    throw new ScenarioError('setup_failed', `the target's chaos engine is off (GET /_chaos/rules says enabled: false), so its chaos steps would inject nothing: start the target with CHAOS_ENABLED=true`);
  }
}

/**
 * What `GET /_chaos/rules` says of the target's chaos engine: `on`, `off` (`enabled: false`), or
 * `unknown` (no admin token, no such API, a token it refuses, no answer).
 */
export async function chaosState(ctx: ChaosFaultContext): Promise<'on' | 'off' | 'unknown'> {
  if (!ctx.adminToken) return 'unknown';
  const res = await control(ctx, 'GET', '/_chaos/rules').catch(() => undefined);
  if (!res?.ok) {
    await res?.body?.cancel();
    return 'unknown';
  }
  const state = (await res.json().catch(() => undefined)) as { enabled?: unknown } | undefined;
  return state?.enabled === false ? 'off' : state?.enabled === true ? 'on' : 'unknown';
}

/** The kill switch: removes every rule on the target (the chaos half of `heal: all`). */
export async function healAllChaos(ctx: ChaosFaultContext): Promise<void> {
  ctx.relay?.({ type: 'chaos', action: 'heal' });
  const res = await control(ctx, 'POST', '/_chaos/heal');
  if (!res.ok) throw new Error(`POST /_chaos/heal answered ${res.status}`);
}
