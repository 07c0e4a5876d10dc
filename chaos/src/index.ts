// The chaos package's public API: rules and the engine, injectors, fault points, configuration,
// control and observability. Hosts import from here only.
export { ChaosError, type ChaosErrorCode, type ChaosErrorDetail } from './chaos-error.js';
export { systemClock, type Clock } from './clock.js';
export { deriveRandom, createRandom, hashSeed, hash32, mulberry32, standardNormal, type Random } from './random/seeded-random.js';
export { ChaosEngine, type ChaosEngineOptions, type DecideOptions, type InjectionListener, type RuleEndReason } from './rules/chaos-engine.js';
export { ruleSchema, parseRules, type Rule, type RuleInput } from './rules/rule-schema.js';
export { CHAOS_POINTS, KINDS_BY_POINT, injectorProblem, injectorSchema, type ChaosPoint, type Injector, type InjectorKind } from './rules/injector-schema.js';
export { compileMatch, type CallAttributes, type MatchSpec } from './rules/match-pattern.js';
export { InjectionLog, type Injection } from './rules/injection-log.js';
export { outsideChaos, isOutsideChaos } from './rules/outside-chaos.js';
export { type InjectionDetail } from './rules/resolve-injection.js';
export { DEFAULT_RULE_DURATION_MS, ruleState, ruleWindow, type RuleState } from './rules/rule-lifecycle.js';
export { type RuleStatus } from './rules/rule-status.js';
export { createDynamoDbError, DYNAMODB_ERROR_NAMES, type DynamoDbErrorName } from './faults/dynamodb-error.js';
export { latencyDelayMs } from './faults/latency.js';
export { splitBatch } from './faults/partial-batch.js';
export { delay, abortError } from './faults/delay.js';
export { timeoutError } from './faults/timeout.js';
export { connectionResetError } from './faults/connection-reset.js';
export { addChaosMiddleware, chaosDynamoDbPlugin, dynamoDbAttributes, type DynamoDbPointOptions } from './points/dynamodb-point.js';
export { chaosExpressMiddleware, type ExpressPointOptions } from './points/express-point.js';
export { chaosInterceptor, type UndiciPointOptions } from './points/undici-point.js';
export { workerFaultPoint, type WorkerFaults, type WorkerStep, type WorkerPointOptions } from './points/worker-point.js';
export { parseChaosConfig, type ChaosConfig, type ChaosConfigSources } from './config/chaos-config.js';
export { assertChaosAllowed } from './control/assert-chaos-allowed.js';
export { chaosControlRouter, type ChaosControlOptions, type ChaosAuditEntry } from './control/chaos-control-router.js';
export { ChaosMetrics } from './observability/chaos-metrics.js';
export { silentLogger, type ChaosLogger } from './observability/chaos-logger.js';
