// The shape every history checker shares, after Jepsen's checkers: a pure function over the
// history returning whether it is valid, counts of what it found, and a few examples.
import type { HistoryRecord } from '../history/history.js';

/** One concrete finding, enough to go and look at it. */
export interface CheckerExample {
  event_id?: string;
  delivery_id?: string;
  webhook_id?: string;
  /** The history times involved (ms since run start), e.g. invoke/complete or receipt windows. */
  times?: number[];
  expected: string;
  seen: string;
}

/** A checker's verdict. `examples` holds at most {@link MAX_EXAMPLES} entries. */
export interface CheckerResult {
  name: string;
  valid: boolean;
  counts: Record<string, number>;
  examples: CheckerExample[];
}

/** A checker: pure, deterministic, and indifferent to the order of records of different kinds. */
export type Checker = (history: readonly HistoryRecord[]) => CheckerResult;

/** How many examples a checker reports at most. */
export const MAX_EXAMPLES = 5;

/** Adds an example unless {@link MAX_EXAMPLES} are already there. */
export function addExample(examples: CheckerExample[], example: CheckerExample): void {
  if (examples.length < MAX_EXAMPLES) examples.push(example);
}

/**
 * One example as a line for a summary, naming what it is about first, so a failed checker's one line
 * says which event or delivery to go and look at.
 * @example exampleLine({ event_id: 'e1', expected: 'readable', seen: 'not readable' }) // 'event e1: expected readable, saw not readable'
 */
export function exampleLine(example: CheckerExample): string {
  const ids = [example.event_id && `event ${example.event_id}`, example.delivery_id && `delivery ${example.delivery_id}`, example.webhook_id && `webhook ${example.webhook_id}`].filter(Boolean);
  return `${ids.length > 0 ? `${ids.join(', ')}: ` : ''}expected ${example.expected}, saw ${example.seen}`;
}
