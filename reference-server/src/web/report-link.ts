// Links that open one run's report in a browser tab. A tab cannot send the admin token in a header,
// and the report needs a document of its own (its inline charts would be blocked by the dashboard's
// policy if opened from memory), so the admin asks for a link signed with the admin token that opens
// that one report for a minute.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How long a report link works (ms). */
export const REPORT_LINK_TTL_MS = 60_000;

/** The query string that lets `name`'s report be read until `now + ttl`. */
export function signReportLink(adminToken: string, name: string, now: number, ttlMs = REPORT_LINK_TTL_MS): string {
  const expires = now + ttlMs;
  return `expires=${expires}&signature=${sign(adminToken, name, expires)}`;
}

/** Whether `expires` and `signature` (from a link's query) open `name`'s report at `now`. */
export function checkReportLink(adminToken: string, name: string, expires: unknown, signature: unknown, now: number): boolean {
  if (typeof expires !== 'string' || typeof signature !== 'string' || !/^\d{1,15}$/.test(expires) || !/^[0-9a-f]{64}$/.test(signature)) return false;
  if (Number(expires) < now) return false;
  return timingSafeEqual(Buffer.from(sign(adminToken, name, Number(expires)), 'hex'), Buffer.from(signature, 'hex'));
}

function sign(adminToken: string, name: string, expires: number): string {
  return createHmac('sha256', adminToken).update(`aftershock-report\n${name}\n${expires}`).digest('hex');
}
