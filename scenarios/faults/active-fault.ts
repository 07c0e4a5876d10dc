// A fault in force: what it is called in the history and how to undo it. Every fault kind's `apply`
// returns one, so the timeline and the rollbacks heal all kinds the same way.

/** The fault kinds a rollback can name. */
export type FaultKind = 'chaos' | 'proxy' | 'receiver' | 'process';

/** One applied fault. `heal` is idempotent and never throws (a failed heal is reported, not raised). */
export interface ActiveFault {
  kind: FaultKind;
  /** How the history and the journal name it, e.g. `chaos:dynamodb`, `proxy:receiver`. */
  label: string;
  detail: unknown;
  heal(): Promise<void>;
  /** After `heal`: what the window did, for the history's end record (a chaos rule's injection count). */
  healedDetail?: () => Record<string, unknown> | undefined;
}

/** Wraps an undo step so it runs once and reports, instead of throwing, when it fails. */
export function once(undo: () => Promise<void>, onError: (err: unknown) => void): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => {
    done ??= undo().catch(onError);
    return done;
  };
}
