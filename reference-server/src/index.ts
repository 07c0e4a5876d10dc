// The Triggers API's public entry point for code: start a whole stack in this process, the embedded
// store alone, or server and worker processes that share it. Import from here, not from internals.
export { startStack, type Role, type Stack, type StackOptions } from './start-stack.js';
export { DataDirInUseError } from './data-dir.js';
export { startEmbeddedStore, type EmbeddedStore } from './embedded-store.js';
export { startServerProcess, startWorkerProcess, type ChildStack, type ProcessOptions, type ReadyMessage } from './child-stack.js';
export { applyChaosMessage, type ChaosRelayMessage } from './chaos-relay.js';
export { configWith, loadConfig, type Config } from './config.js';
export { ManualClock, systemClock, type Clock } from './domain/clock.js';
