// Pause injector (worker loops): the loop stops for a while at a step, honouring its abort signal, as
// a long GC pause or a noisy neighbour would make it.
import { z } from 'zod';

/** Settings: how long the step pauses. */
export const pauseSchema = z.strictObject({ kind: z.literal('pause'), ms: z.number().int().min(0).max(600_000) });

/** A validated pause injector. */
export type PauseInjector = z.infer<typeof pauseSchema>;
