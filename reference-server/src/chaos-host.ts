// Hosts the chaos package's fault points in the Triggers API: the DynamoDB client, incoming HTTP,
// outgoing webhook HTTP and the worker loops all consult one seeded engine, and the control API is
// mounted outside production. With chaos enabled in production the server refuses to start.
import { randomInt } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
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
import type { AppDeps } from './http/app-deps.js';
import { currentRequestId } from './http/request-context.js';
import type { WorkerDeps } from './workers/worker-deps.js';

export interface ChaosHostOptions {
  /** Raw environment for the chaos configuration (`CHAOS_*`); ignored when `engine` is given. */
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

/**
 * Builds the engine and installs the fault points into the app and worker dependencies, in place.
 * Throws (a clear message) when chaos is enabled and NODE_ENV is production.
 */
export function hostChaos(
  input: {
    config: Config;
    clock: Clock;
    logger: Logger;
    registry: Registry;
    client: DynamoDBClient;
    app: AppDeps;
    worker: WorkerDeps;
    /** The analytics processor's fault point (loop `analytics`, steps open/apply/mark/ack/close), set in place. */
    analytics?: { beforeStep?: (step: string) => Promise<void> };
  },
  opts: ChaosHostOptions = {},
): ChaosEngine | undefined {
  if (opts.install === false) return undefined;
  const { config, app, worker } = input;
  let engine = opts.engine;
  if (!engine) {
    const chaos = opts.settings
      ? { enabled: opts.settings.enabled, seed: opts.settings.seed ?? randomInt(2 ** 31), rules: parseRules(opts.settings.rules ?? []) }
      : parseChaosConfig(opts.env ?? {});
    assertChaosAllowed(chaos, config.NODE_ENV);
    engine = new ChaosEngine({
      enabled: chaos.enabled,
      seed: chaos.seed,
      rules: chaos.rules,
      clock: { now: () => input.clock.now() },
      logger: input.logger,
      registry: input.registry,
    });
    if (chaos.enabled) input.logger.warn({ seed: chaos.seed, rules: chaos.rules.length }, 'chaos enabled (replay this run with CHAOS_SEED)');
  } else {
    assertChaosAllowed({ enabled: engine.enabled }, config.NODE_ENV);
  }

  addChaosMiddleware(input.client, engine, { requestId: currentRequestId });
  app.before = [...(app.before ?? []), chaosExpressMiddleware(engine)];
  const dispatcher = app.webhookDispatcher.compose(chaosInterceptor(engine));
  app.webhookDispatcher = dispatcher;
  worker.dispatcher = dispatcher;
  const faults = workerFaultPoint(engine, { exit: opts.exit });
  const base = worker.clock;
  worker.clock = faults.clock(base, { loop: 'delivery' });
  const previous = worker.beforeStep;
  worker.beforeStep = async (loop, step) => {
    await previous?.(loop, step);
    await faults.step({ loop, step });
  };
  if (input.analytics) {
    input.analytics.beforeStep = async (step) => {
      await faults.step({ loop: 'analytics', step });
    };
  }
  if (config.NODE_ENV !== 'production') {
    app.routers = [
      ...(app.routers ?? []),
      chaosControlRouter({
        engine,
        adminToken: app.adminToken,
        nodeEnv: config.NODE_ENV,
        audit: (entry) => app.audit.record({ action: entry.action, actor: 'admin', target: entry.rule_ids.join(','), details: { ...entry } }),
      }),
    ];
  }
  return engine;
}
