// Opaque pagination cursors: the position after the last item returned, base64url-encoded JSON,
// so clients cannot build or depend on them, and a tampered cursor is a 400, never a 500.
import { z } from 'zod';

const CursorSchema = z.object({ after: z.string().min(1).max(200) });

/** Encodes the position after `lastId`. */
export function encodeCursor(lastId: string): string {
  return Buffer.from(JSON.stringify({ after: lastId })).toString('base64url');
}

/** Decodes a cursor; `undefined` when it is not one of ours. */
export function decodeCursor(cursor: string): string | undefined {
  try {
    const parsed = CursorSchema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data.after : undefined;
  } catch {
    return undefined;
  }
}
