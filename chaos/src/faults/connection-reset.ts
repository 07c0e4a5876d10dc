// Connection reset injector: the connection dies under the call (RST), as when a peer crashes or a
// load balancer drops an idle keep-alive socket.
import { z } from 'zod';

/** Settings: none; the connection is reset. */
export const connectionResetSchema = z.strictObject({ kind: z.literal('connection_reset') });

/** A validated connection reset injector. */
export type ConnectionResetInjector = z.infer<typeof connectionResetSchema>;

/** The error a reset outgoing call fails with: `code: 'ECONNRESET'`, as Node's own socket errors. */
export function connectionResetError(ruleId: string): Error {
  return Object.assign(new Error(`read ECONNRESET (chaos rule ${ruleId})`), { code: 'ECONNRESET', errno: -104, syscall: 'read' });
}
