// API key material: generation, hashing and display prefix. Keys are `tr_` + 256 random bits;
// only their SHA-256 is stored, with a short prefix so people can tell keys apart.
import { createHash } from 'node:crypto';
import type { RandomBytes } from './random.js';

export const API_KEY_PREFIX = 'tr_';

/** A new key: the secret shown once, and what is stored. */
export interface ApiKeyMaterial {
  apiKey: string;
  keyHash: string;
  keyPrefix: string;
}

/** Generates a fresh API key from 32 random bytes. */
export function generateApiKey(randomBytes: RandomBytes): ApiKeyMaterial {
  const apiKey = API_KEY_PREFIX + Buffer.from(randomBytes(32)).toString('base64url');
  return { apiKey, keyHash: hashApiKey(apiKey), keyPrefix: apiKey.slice(0, 10) };
}

/** SHA-256 hex of a presented key; the only form in which keys are stored or looked up. */
export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex');
}

/** Generates a request-signing secret (`sk_` + 256 bits). */
export function generateSigningSecret(randomBytes: RandomBytes): string {
  return 'sk_' + Buffer.from(randomBytes(32)).toString('base64url');
}

/** Whether a presented string has the shape of one of our keys (cheap reject before any I/O). */
export function looksLikeApiKey(value: string): boolean {
  return /^tr_[A-Za-z0-9_-]{43}$/.test(value);
}
