// Where the service under test comes from: the embedded Triggers API the runner starts itself, a URL
// that is already running, or a command the runner starts and waits on.
import { z } from 'zod';
import { durationSchema } from '../gates/duration.js';

/** The Triggers API started by the runner: in-process, or as server and worker processes on one store. */
export const embeddedTargetSchema = z.strictObject({
  kind: z.literal('embedded'),
  mode: z.enum(['in-process', 'processes']).default('in-process').describe('processes: a server and `workers` worker processes sharing one store'),
  workers: z.number().int().min(0).max(8).default(1).describe('worker processes (mode processes); in-process runs its workers inside the server'),
  env: z.record(z.string(), z.string()).optional().describe('extra server settings, as the server reads them from the environment'),
});

/** A service already running; the admin token comes from an environment variable, never the file. */
export const urlTargetSchema = z.strictObject({
  kind: z.literal('url'),
  base_url: z.url(),
  admin_token_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).default('AFTERSHOCK_ADMIN_TOKEN'),
});

/** A command the runner starts (and can kill, stop and continue), ready when `ready_url` answers 2xx. */
export const commandTargetSchema = z.strictObject({
  kind: z.literal('command'),
  run: z.string().min(1),
  ready_url: z.url(),
  base_url: z.url().optional().describe('default: the origin of ready_url'),
  ready_timeout: durationSchema.default(30_000),
  admin_token_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).default('AFTERSHOCK_ADMIN_TOKEN'),
  env: z.record(z.string(), z.string()).optional(),
  cwd: z.string().optional(),
});

/** Any target, by `kind`. */
export const targetSchema = z.discriminatedUnion('kind', [embeddedTargetSchema, urlTargetSchema, commandTargetSchema]);

export type EmbeddedTarget = z.infer<typeof embeddedTargetSchema>;
export type UrlTarget = z.infer<typeof urlTargetSchema>;
export type CommandTarget = z.infer<typeof commandTargetSchema>;
export type Target = z.infer<typeof targetSchema>;
