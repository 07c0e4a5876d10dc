// Chaos rules for a process that has no control API (a forked worker): the parent that started it
// relays rules over the IPC channel, so a scenario's `worker` faults reach worker processes too.
import type { ChaosEngine } from '../../chaos/src/index.js';

/** What a parent sends a child's engine. */
export type ChaosRelayMessage =
  | { type: 'chaos'; action: 'upsert'; rules: unknown[] }
  | { type: 'chaos'; action: 'remove'; id: string }
  | { type: 'chaos'; action: 'heal' };

function isRelayMessage(msg: unknown): msg is ChaosRelayMessage {
  return typeof msg === 'object' && msg !== null && (msg as { type?: unknown }).type === 'chaos';
}

/**
 * Applies one relayed message to `engine`. Returns false for a message that is not a chaos message;
 * a rule the engine rejects, or removing one that is gone, is reported through `onError`.
 */
export function applyChaosMessage(engine: ChaosEngine, msg: unknown, onError: (err: unknown) => void): boolean {
  if (!isRelayMessage(msg)) return false;
  try {
    if (msg.action === 'upsert') engine.upsertRules(msg.rules);
    else if (msg.action === 'remove') engine.removeRule(msg.id);
    else engine.heal();
  } catch (err) {
    onError(err);
  }
  return true;
}

/**
 * Listens on this process's IPC channel (when a parent forked it) for relayed chaos messages.
 * @example listenForChaos(worker.chaos, (err) => logger.warn({ err }, 'relayed chaos rule refused'));
 */
export function listenForChaos(engine: ChaosEngine | undefined, onError: (err: unknown) => void): void {
  if (!engine || !process.send) return;
  process.on('message', (msg: unknown) => void applyChaosMessage(engine, msg, onError));
}
