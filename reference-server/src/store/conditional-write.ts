// Conditional writes are how this code coordinates without transactions (dynalite has none): a
// failed condition is an expected outcome — another writer got there first — not an error.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/** Awaits a conditional write: its output, or `undefined` when the condition did not hold. Other errors propagate. */
export async function ifConditionHolds<T>(write: Promise<T>): Promise<T | undefined> {
  try {
    return await write;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return undefined;
    throw err;
  }
}

/**
 * A conditional write that its own first attempt can make fail: when the answer to a write that
 * landed is lost, the SDK sends it again, and the resend finds the condition the first one broke.
 * On a failed condition, `own()` reads the item back (consistently) and says whether it holds this
 * very write — a value no other writer sets, such as a fresh id or hash. `true` when the write
 * landed, by this attempt or the first; `false` when another writer's change stopped it.
 */
export async function landedOrConditionFailed(write: Promise<unknown>, own: () => Promise<boolean>): Promise<boolean> {
  if ((await ifConditionHolds(write)) !== undefined) return true;
  return own();
}
