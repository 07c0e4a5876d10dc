// Encryption at rest for secrets the server must read back (signing secrets, webhook secrets):
// AES-256-GCM with a random nonce, stored as `v1.<nonce>.<tag>.<ciphertext>` in base64url.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** Encrypts and decrypts short secrets with one 256-bit key. */
export class SecretBox {
  private readonly key: Buffer;

  /** `key` is any string of at least 32 characters; it is hashed to a 256-bit AES key. */
  constructor(key: string) {
    if (key.length < 32) throw new Error('the secrets key must be at least 32 characters');
    this.key = createHash('sha256').update(key).digest();
  }

  seal(plaintext: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', nonce, cipher.getAuthTag(), body].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
  }

  /** Decrypts; throws if the text was tampered with or sealed with another key. */
  open(sealed: string): string {
    const [version, nonce, tag, body] = sealed.split('.');
    if (version !== 'v1' || !nonce || !tag || body === undefined) throw new Error('not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(nonce, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}
