// Crash injector (worker loops): the process exits at a step without cleanup, as a kill -9 or an OOM
// would end it; leases and half-done work must be recovered by others.
import { z } from 'zod';

/** Settings: the exit code (default 137, what a SIGKILL-ed process reports). */
export const crashSchema = z.strictObject({ kind: z.literal('crash'), exit_code: z.number().int().min(0).max(255).default(137) });

/** A validated crash injector. */
export type CrashInjector = z.infer<typeof crashSchema>;
