// Permission scopes, rate-limit tiers and lifecycle states carried by API keys.
export const SCOPES = ['events:read', 'events:write', 'webhooks:manage', 'analytics:read', 'keys:manage'] as const;
export type Scope = (typeof SCOPES)[number];

/** Rate-limit tiers a key can belong to. */
export const TIERS = ['free', 'startup', 'business', 'enterprise'] as const;
export type Tier = (typeof TIERS)[number];

/** Lifecycle states of a key version. */
export const API_KEY_STATUSES = ['active', 'rotating', 'expired', 'revoked'] as const;
export type ApiKeyStatus = (typeof API_KEY_STATUSES)[number];

/** Request-signing modes: never verify, verify when signature headers are present, or demand them. */
export const SIGNING_MODES = ['off', 'optional', 'required'] as const;
export type SigningMode = (typeof SIGNING_MODES)[number];
