// Hosts the chaos package's fault points in the Triggers API: the DynamoDB client, incoming HTTP,
// outgoing webhook HTTP and the worker loops all consult one seeded engine, and the control API is
// mounted outside production. With chaos enabled in production the server refuses to start.
import { randomInt } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { RequestHandler, Router } from 'express';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Dispatcher } from 'undici';
import {
  ChaosEngine,
  addChaosMiddleware,
  assertChaosAllowed,
  chaosControlRouter,
  chaosExpressMiddleware,
  chaosInterceptor,
  parseChaosConfig,
  parseRules,
  workerFaultPoint,
} from '../../chaos/src/index.js';
import type { Config } from './config.js';
import type { Clock } from './domain/clock.js';
import { currentRequestId } from './http/request-context.js';
import type { AuditLog } from './store/audit-log.js';

export interface ChaosHostOptions {
  /** Raw environment for the chaos configuration (`CHAOS_*`); ignored when `engine` or `settings` is given. */
  env?: Record<string, string | undefined>;
  /** Typed settings instead of the environment (a seed drawn at random when omitted); ignored when `engine` is given. */
  settings?: { enabled: boolean; seed?: string | number; rules?: unknown };
  /** A ready engine (tests and scenarios drive it directly). */
  engine?: ChaosEngine;
  /** `false` leaves every fault point out (the benchmark's baseline). Default true. */
  install?: boolean;
  /** What a crash injection calls (default: process.exit). */
  exit?: (code: number) => void;
}

/** What the host hands the fault points: the pieces it wraps, as they are before chaos. */
export interface ChaosHostInput {
  config: Config;
  clock: Clock;
  logger: Logger;
  registry: Registry;
  /** Gets the DynamoDB fault point as middleware (the client is the one thing changed in place). */
  client: DynamoDBClient;
  dispatcher: Dispatcher;
  /** The admin token guarding the control API; without one (a process with no API) it is not built. */
  adminToken?: string;
  audit: AuditLog;
}

/** The wrapped values to build the app and workers from. Without fault points, the inputs unchanged. */
export interface HostedChaos {
  engine?: ChaosEngine;
  /** The webhook dispatcher with the outbound HTTP fault point. */
  dispatcher: Dispatcher;
  /** The delivery loop's clock (skewed by `clock_skew` injections). */
  workerClock: Clock;
  /** Consulted at each worker step (pause, hang, crash). */
  workerStep?: (loop: 'fanout' | 'delivery', step: string) => Promise<void>;
  /** Consulted at each analytics step (loop `analytics`, steps open/apply/mark/ack/close). */
  analyticsStep?: (step: string) => Promise<void>;
  /** Middleware for incoming HTTP. */
  before: RequestHandler[];
  /** The control API (`/_chaos/*`), outside production and only with an admin token. */
  routers: Router[];
}

/**
 * Builds (or takes) the engine and returns the fault-point-wrapped dispatcher, clock, step hooks,
 * middleware and control router. Throws a clear message when chaos is enabled and NODE_ENV is production.
 */
export function hostChaos(input: ChaosHostInput, opts: ChaosHostOptions = {}): HostedChaos {
  if (opts.install === false) return { dispatcher: input.dispatcher, workerClock: input.clock, before: [], routers: [] };
  const { config } = input;
  const engine = opts.engine ?? createEngine(input, opts);
  if (opts.engine) assertChaosAllowed({ enabled: engine.enabled }, config.NODE_ENV);

  addChaosMiddleware(input.client, engine, { requestId: currentRequestId });
  const faults = workerFaultPoint(engine, { exit: opts.exit });
  const adminToken = input.adminToken;
  const routers =
    config.NODE_ENV === 'production' || adminToken === undefined
      ? []
      : [
          chaosControlRouter({
            engine,
            adminToken,
            nodeEnv: config.NODE_ENV,
            // Awaited by the router, which makes the write outside the chaos rules: a rule on the store's
            // writes must not lose the entry recording it, nor hold back the answer that installs it.
            audit: (entry) => input.audit.record({ action: entry.action, actor: 'admin', target: entry.rule_ids.join(','), details: { ...entry } }),
          }),
        ];
  return {
    engine,
    dispatcher: input.dispatcher.compose(chaosInterceptor(engine)),
    workerClock: faults.clock(input.clock, { loop: 'delivery' }),
    workerStep: async (loop, step) => {
      await faults.step({ loop, step });
    },
    analyticsStep: async (step) => {
      await faults.step({ loop: 'analytics', step });
    },
    before: [chaosExpressMiddleware(engine)],
    routers,
  };
}

function createEngine(input: ChaosHostInput, opts: ChaosHostOptions): ChaosEngine {
  const chaos = opts.settings
    ? { enabled: opts.settings.enabled, seed: opts.settings.seed ?? randomInt(2 ** 31), rules: parseRules(opts.settings.rules ?? []) }
    : parseChaosConfig(opts.env ?? {});
  assertChaosAllowed(chaos, input.config.NODE_ENV);
  const engine = new ChaosEngine({
    enabled: chaos.enabled,
    seed: chaos.seed,
    rules: chaos.rules,
    clock: { now: () => input.clock.now() },
    logger: input.logger,
    registry: input.registry,
  });
  if (chaos.enabled) input.logger.warn({ seed: chaos.seed, rules: chaos.rules.length }, 'chaos enabled (replay this run with CHAOS_SEED)');
  return engine;
}
