// The runtime control API: list, add, replace and remove rules, heal everything at once, read the
// injection log. Behind the admin token; it refuses to exist in production.
import express, { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import { ChaosError } from '../chaos-error.js';
import type { ChaosEngine } from '../rules/chaos-engine.js';
import { outsideChaos } from '../rules/outside-chaos.js';
import { bearerAuth } from './bearer-auth.js';

/** One audited change, handed to the host's audit log. */
export interface ChaosAuditEntry {
  action: 'chaos.rules.upsert' | 'chaos.rules.replace' | 'chaos.rules.clear' | 'chaos.rule.delete' | 'chaos.heal' | 'chaos.enable' | 'chaos.disable';
  rule_ids: string[];
  request_id?: string;
}

/** What the router needs. */
export interface ChaosControlOptions {
  engine: ChaosEngine;
  adminToken: string;
  nodeEnv: string | undefined;
  /**
   * Records every change, awaited before the answer (so an audit failure fails the request), and made
   * outside every chaos rule (see the router).
   */
  audit?: (entry: ChaosAuditEntry) => void | Promise<void>;
}

function requestIdOf(req: Request, res: Response): string | undefined {
  const local = (res.locals as { requestId?: unknown }).requestId;
  return typeof local === 'string' ? local : req.get('x-request-id');
}

function errorBody(code: string, message: string, requestId: string | undefined, details?: unknown) {
  return { error: { code, message, ...(details === undefined ? {} : { details }), ...(requestId === undefined ? {} : { request_id: requestId }) } };
}

const mapErrors: ErrorRequestHandler = (error: unknown, req, res, next) => {
  if (res.headersSent) return next(error);
  const requestId = requestIdOf(req, res);
  if (error instanceof ChaosError) {
    res.status(error.status).json(errorBody(error.code, error.message, requestId, error.details.length > 0 ? error.details : undefined));
    return;
  }
  const parseFailure = error as { type?: string; status?: number };
  if (parseFailure.type === 'entity.parse.failed') return void res.status(400).json(errorBody('invalid_json', 'request body is not valid JSON', requestId));
  if (parseFailure.type === 'entity.too.large') return void res.status(413).json(errorBody('payload_too_large', 'request body too large', requestId));
  next(error);
};

/**
 * Builds the router (mount it at the app root; paths start with `/_chaos`). Throws `ChaosError`
 * `chaos_forbidden_in_production` when `nodeEnv` is `production`, so the routes cannot exist there.
 *
 * - `GET /_chaos/rules` → `{ enabled, seed, rules: RuleStatus[] }`
 * - `PUT /_chaos/rules` body `{ rules: [...], replace?: boolean }` (or a bare array): adds or replaces
 *   by id; `replace: true` swaps the whole set. Invalid → 400 `validation_error` naming the field.
 * - `DELETE /_chaos/rules` removes all rules; `DELETE /_chaos/rules/:id` one (404 if unknown).
 * - `POST /_chaos/heal` the kill switch → `{ healed: n }`.
 * - `PUT /_chaos/enabled` body `{ enabled: boolean }` turns injection on or off (rules are kept).
 * - `GET /_chaos/log?limit=100` recent injections, oldest first.
 *
 * @example
 * if (env.NODE_ENV !== 'production') app.use(chaosControlRouter({ engine, adminToken, nodeEnv: env.NODE_ENV, audit }));
 */
export function chaosControlRouter(options: ChaosControlOptions): Router {
  if (options.nodeEnv === 'production') {
    throw new ChaosError('chaos_forbidden_in_production', 'the chaos control API does not exist in production');
  }
  const { engine } = options;
  // The audit write goes to the same store the rules act on: a rule just installed (PutItem throttled,
  // say) would otherwise fail or slow its own audit entry, losing the record of the change and holding
  // the answer back by the store client's retries, while the rule is already in force. Written outside
  // the rules instead, and still awaited, the entry is there when the answer is. Only while the engine
  // is on: an engine that is off injects nothing, and its process need not track async context for it.
  const audit = async (req: Request, res: Response, action: ChaosAuditEntry['action'], ruleIds: string[]) => {
    const requestId = requestIdOf(req, res);
    const entry = { action, rule_ids: ruleIds, ...(requestId === undefined ? {} : { request_id: requestId }) };
    const write = () => options.audit?.(entry);
    await (engine.enabled ? outsideChaos(write) : write());
  };
  const state = () => ({ enabled: engine.enabled, seed: engine.seed, rules: engine.listRules() });
  const router = Router();
  router.use('/_chaos', bearerAuth(options.adminToken), express.json({ limit: '256kb' }));

  router.get('/_chaos/rules', (_req, res) => {
    res.json(state());
  });

  router.put('/_chaos/rules', async (req, res) => {
    const body: unknown = req.body;
    const wrapped = body !== null && typeof body === 'object' && !Array.isArray(body);
    const rules = wrapped ? (body as { rules?: unknown }).rules : body;
    const replace = wrapped && (body as { replace?: unknown }).replace === true;
    if (rules === undefined) throw new ChaosError('validation_error', 'rules is required', { details: [{ path: 'rules', message: 'required' }] });
    const installed = replace ? engine.replaceRules(rules) : engine.upsertRules(rules);
    await audit(req, res, replace ? 'chaos.rules.replace' : 'chaos.rules.upsert', installed.map((r) => r.id));
    res.json(state());
  });

  router.delete('/_chaos/rules', async (req, res) => {
    const ids = engine.listRules().map((r) => r.id);
    for (const id of ids) engine.removeRule(id);
    await audit(req, res, 'chaos.rules.clear', ids);
    res.status(204).end();
  });

  router.delete('/_chaos/rules/:id', async (req, res) => {
    engine.removeRule(req.params.id);
    await audit(req, res, 'chaos.rule.delete', [req.params.id]);
    res.status(204).end();
  });

  router.post('/_chaos/heal', async (req, res) => {
    const ids = engine.listRules().map((r) => r.id);
    const healed = engine.heal();
    await audit(req, res, 'chaos.heal', ids);
    res.json({ healed });
  });

  router.put('/_chaos/enabled', async (req, res) => {
    const enabled = (req.body as { enabled?: unknown } | undefined)?.enabled;
    if (typeof enabled !== 'boolean') {
      throw new ChaosError('validation_error', 'enabled must be true or false', { details: [{ path: 'enabled', message: 'expected boolean' }] });
    }
    engine.enabled = enabled;
    await audit(req, res, enabled ? 'chaos.enable' : 'chaos.disable', engine.listRules().map((r) => r.id));
    res.json(state());
  });

  router.get('/_chaos/log', (req, res) => {
    const limit = Number(req.query.limit ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > engine.log.capacity) {
      throw new ChaosError('validation_error', `limit must be an integer from 1 to ${engine.log.capacity}`, { details: [{ path: 'limit', message: 'out of range' }] });
    }
    res.json({ entries: engine.log.entries(limit) });
  });

  router.use('/_chaos', mapErrors);
  return router;
}
