// Starts the whole Triggers API in this process from typed options (no environment strings): the
// handle a scenario runner, a test or a benchmark holds. `npm start` reaches the same assembly via env.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ChaosEngine } from '../../chaos/src/index.js';
import { configWith, type Config } from './config.js';
import { claimDataDir, DATA_FILES } from './data-dir.js';
import type { Clock } from './domain/clock.js';
import { assemble, type Roles } from './assemble.js';
import { startTriggersApi } from './triggers-api.js';

/** What a stack may do: serve the API, run the webhook workers, the analytics processor, the key expiry job. */
export type Role = keyof Roles;

/** How to start a stack; every field has a default. */
export interface StackOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /**
   * Keeps the embedded store on disk under `<dataDir>/dynamodb`, and part-written event batches beside it
   * (as `npm start` does); in memory when omitted. With the api role the stack holds the folder until it
   * closes: a second stack or server on it is refused (DataDirInUseError).
   */
  dataDir?: string;
  /** An existing DynamoDB (URL, or `aws`); the embedded store is started when omitted. */
  dynamodbEndpoint?: string;
  /** Prefix of every table name (default `triggers-api-`). */
  tablePrefix?: string;
  /** Admin bearer token; generated when omitted and returned on the handle. */
  adminToken?: string;
  /** Key that encrypts secrets at rest (≥ 32 chars); generated when omitted and returned on the handle. */
  secretsKey?: string;
  /** Which jobs run here; all true by default. */
  roles?: Partial<Record<Role, boolean>>;
  /** Chaos settings (a random seed when none is given), or a ready engine the caller drives. */
  chaos?: { enabled: boolean; seed?: number | string; rules?: unknown } | ChaosEngine;
  /** Any other setting, typed as config.ts produces it from the environment. */
  config?: Partial<Config>;
  clock?: Clock;
  /** [0,1) randomness for ids, jitter and sampling (seed it to replay a run). */
  random?: () => number;
  logger?: Logger;
}

/** A running stack. */
export interface Stack {
  /** Base URL of the API, e.g. `http://127.0.0.1:54321`; empty when the `api` role is off. */
  url: string;
  adminToken: string;
  secretsKey: string;
  /** The DynamoDB endpoint in use (the embedded store's URL when it was started here). */
  dynamodbEndpoint: string;
  tablePrefix: string;
  /** The chaos engine behind every fault point; listen with `engine.on('injection', …)`. */
  engine?: ChaosEngine;
  /** Stops the in-process workers; in-flight attempts finish (bounded). */
  stopWorkers(): Promise<void>;
  /** Starts the in-process workers again (no-op when running). */
  startWorkers(): void;
  /** Drains requests, stops every job and the embedded store when it was started here. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts the Triggers API with its workers on a free loopback port.
 * Rejects when the configuration is invalid or the port or store cannot be opened.
 * @example
 * const stack = await startStack({ chaos: { enabled: true, seed: 42 } });
 * await fetch(`${stack.url}/v1/api-keys`, { method: 'POST', headers: { authorization: `Bearer ${stack.adminToken}` } });
 * await stack.close();
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const roles: Roles = { api: true, workers: true, analytics: true, keyExpiry: true, tombstoneSweep: true, ...options.roles };
  const config = configWith({
    ...options.config,
    PORT: options.port ?? 0,
    HOST: options.host ?? '127.0.0.1',
    ...(options.dynamodbEndpoint !== undefined && { DYNAMODB_ENDPOINT: options.dynamodbEndpoint }),
    ...(options.tablePrefix !== undefined && { TABLE_PREFIX: options.tablePrefix }),
    WORKER_ENABLED: roles.workers,
    ANALYTICS_ENABLED: roles.analytics,
  });
  const adminToken = options.adminToken ?? `adm_${randomBytes(24).toString('base64url')}`;
  const secretsKey = options.secretsKey ?? randomBytes(32).toString('base64url');
  const chaos = options.chaos;
  const assembly = {
    adminToken,
    secretsKey,
    clock: options.clock,
    random: options.random,
    logger: options.logger,
    embeddedPath: options.dataDir === undefined ? undefined : join(options.dataDir, 'dynamodb'),
    unfinishedWritesPath: options.dataDir === undefined ? undefined : join(options.dataDir, DATA_FILES.unfinishedWrites),
    inFlightLogPath: options.dataDir === undefined ? undefined : join(options.dataDir, DATA_FILES.inFlightWrites),
    chaos: chaos === undefined ? undefined : 'decide' in chaos ? { engine: chaos } : { settings: chaos },
  };
  const release = roles.api && options.dataDir !== undefined ? await claimDataDir(options.dataDir) : undefined;
  let api;
  try {
    api = roles.api ? await startTriggersApi(config, { ...assembly, roles }) : { ...(await assemble(config, roles, assembly)), url: '' };
  } catch (err) {
    release?.();
    throw err;
  }
  return {
    url: api.url,
    adminToken,
    secretsKey,
    dynamodbEndpoint: api.endpoint,
    tablePrefix: config.TABLE_PREFIX,
    engine: api.chaos,
    stopWorkers: () => api.stopWorkers(),
    startWorkers: () => api.startWorkers(),
    close: () => api.close().finally(() => release?.()),
  };
}
