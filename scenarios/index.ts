// Aftershock's public API for code: run scenarios from a test suite or a script, and type scenarios
// written in TypeScript. `import { runScenario, defineScenario } from 'aftershock'`.

// Quiets the AWS SDK's "later releases need Node 22" notice (raised at a run's first client) in users' test output: the package pins SDK releases that support Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export { runScenario, type RunOptions } from './runner/run-scenario.js';
export type { Journal, RunStatus, ProbeReading, RecoveryReading, RollbackReading } from './runner/journal.js';
export type { RunEvent } from './runner/run-events.js';
export { defineScenario } from './scenario/define-scenario.js';
export { parseScenario } from './scenario/parse-scenario.js';
export { loadScenarioFile, loadScenarios, type LoadedScenario } from './scenario/load-scenario.js';
export { scenarioJsonSchema } from './scenario/json-schema.js';
export { ScenarioError, type ScenarioErrorCode, type FieldIssue } from './scenario/scenario-error.js';
export type { Scenario, ScenarioInput } from './scenario/scenario-schema.js';
export type { CheckerResult, CheckerExample, Checker } from './checkers/checker.js';
export type { GateResult } from './gates/gate-result.js';
export type { HistoryRecord } from './history/history.js';
export { loadHistory } from './history/jsonl.js';
