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
