// Admin authentication for the chaos control API: `Authorization: Bearer <token>`, compared in
// constant time (both sides hashed first, so neither the content nor the length leaks through timing).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Middleware answering 401 (project error envelope) unless the request carries the admin token. */
export function bearerAuth(adminToken: string): RequestHandler {
  if (adminToken.length === 0) throw new RangeError('adminToken must not be empty');
  const expected = digest(adminToken);
  return (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (match?.[1] !== undefined && timingSafeEqual(digest(match[1].trim()), expected)) return next();
    res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: { code: 'unauthorized', message: 'admin token required' } });
  };
}
