// Hang injector (worker loops): the step blocks for `ms` ignoring any signal, so a worker holds its
// lease past expiry, like a Lambda running into its timeout; another worker must take the work over.
import { z } from 'zod';

/** Settings: how long the step blocks (set it past the lease to test redelivery). */
export const hangSchema = z.strictObject({ kind: z.literal('hang'), ms: z.number().int().min(0).max(600_000) });

/** A validated hang injector. */
export type HangInjector = z.infer<typeof hangSchema>;
