// The control API of `aftershock receiver`, under /_receiver on the receiver's own port: set and
// heal a fault, list and clear receipts. It is what the runner's `receiver` fault kind drives when
// the receiver runs elsewhere (the playground's `receiver` service). Bad input: 400 with a code.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { receiverFaultSchema, type ReceiverFault } from '../scenario/fault-schema.js';
import type { ReceiptLog } from './receipt-log.js';
import type { Receiver } from './receiver.js';

/** Where the control API lives; every other path is a webhook. */
export const CONTROL_PREFIX = '/_receiver';

/** What the control API acts on. */
export interface ReceiverControlState {
  receiver: Receiver;
  log: ReceiptLog;
  /** The fault in force, for `GET /_receiver/fault` (kept here: the receiver does not expose it). */
  fault?: ReceiverFault;
  /** Restarts the probability draws from `seed` (`PUT /_receiver/fault?seed=N`), so a run replays them. */
  reseed?: (seed: number) => void;
}

function send(res: ServerResponse, status: number, body: unknown): true {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  return true;
}

function error(res: ServerResponse, status: number, code: string, message: string): true {
  return send(res, status, { error: { code, message } });
}

function parseJson(body: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: body.trim() === '' ? {} : JSON.parse(body) };
  } catch {
    return { ok: false };
  }
}

/** Durations may come as milliseconds (how the runner holds them) or as text (`"300ms"`, as in a scenario). */
function withDurations(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = { ...value };
  for (const key of ['delay', 'trickle']) if (typeof out[key] === 'number') out[key] = `${out[key]}ms`;
  return out;
}

/** A whole number from the query, or the fallback; NaN when present but not one. */
function intParam(url: URL, name: string, fallback: number): number {
  const text = url.searchParams.get(name);
  return text === null ? fallback : /^\d+$/.test(text) ? Number(text) : Number.NaN;
}

/**
 * Answers a control request and returns true, or returns false for any path outside /_receiver.
 * - `GET /_receiver/health` → 200 `{ status: "ok" }`
 * - `PUT /_receiver/fault` with a `receiver` fault (`{ "status": 503 }`, `{ "delay": "300ms" }` or `{ "delay": 300 }`,
 *   `{ "hang": true }`, `{ "reset": true }`, `{ "trickle": "2s" }`, optional `probability`) → 200 `{ fault }` (durations in ms);
 *   `?seed=N` restarts the probability draws from N (the runner derives it from the run's seed)
 * - `GET /_receiver/fault` → `{ fault }` (null when healthy); `DELETE /_receiver/fault` heals (hung requests are cut)
 * - `GET /_receiver/receipts?after=N&limit=M` → `{ receipts, next, last, in_flight }`; `DELETE /_receiver/receipts` clears
 */
export function handleControl(state: ReceiverControlState, req: IncomingMessage, res: ServerResponse, body: string): boolean {
  const url = new URL(req.url ?? '/', 'http://receiver');
  if (url.pathname !== CONTROL_PREFIX && !url.pathname.startsWith(`${CONTROL_PREFIX}/`)) return false;
  const route = `${req.method ?? 'GET'} ${url.pathname.slice(CONTROL_PREFIX.length) || '/'}`;
  switch (route) {
    case 'GET /health':
      return send(res, 200, { status: 'ok' });
    case 'GET /fault':
      return send(res, 200, { fault: state.fault ?? null });
    case 'PUT /fault': {
      const json = parseJson(body);
      if (!json.ok) return error(res, 400, 'invalid_json', 'the body is not JSON; send a receiver fault such as {"status":503}');
      const parsed = receiverFaultSchema.safeParse(withDurations(json.value));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
        return error(res, 400, 'invalid_fault', `${where}${issue?.message ?? 'not a receiver fault'}`);
      }
      const seed = url.searchParams.get('seed');
      if (seed !== null && !/^\d{1,15}$/.test(seed)) return error(res, 400, 'invalid_seed', `seed: a whole number, got "${seed}"`);
      state.receiver.heal();
      if (seed !== null) state.reseed?.(Number(seed));
      state.fault = parsed.data;
      state.receiver.inject(parsed.data);
      return send(res, 200, { fault: parsed.data });
    }
    case 'DELETE /fault':
      state.fault = undefined;
      state.receiver.heal();
      return send(res, 200, { fault: null });
    case 'GET /receipts': {
      const after = intParam(url, 'after', 0);
      const limit = intParam(url, 'limit', 1000);
      if (Number.isNaN(after) || Number.isNaN(limit) || limit < 1) return error(res, 400, 'invalid_query', 'after and limit must be whole numbers (limit ≥ 1)');
      return send(res, 200, { ...state.log.after(after, Math.min(limit, 10_000)), in_flight: state.receiver.inFlight() });
    }
    case 'DELETE /receipts':
      state.log.clear();
      return send(res, 200, { cleared: true });
    default:
      return error(res, 404, 'not_found', `no control route ${route}; see aftershock receiver --help`);
  }
}
