// Permission scopes carried by API keys.
export const SCOPES = ['events:read', 'events:write', 'webhooks:manage', 'analytics:read', 'keys:manage'] as const;
export type Scope = (typeof SCOPES)[number];

/** Rate-limit tiers a key can belong to. */
export const TIERS = ['free', 'startup', 'business', 'enterprise'] as const;
export type Tier = (typeof TIERS)[number];

/** Lifecycle states of a key version. */
export type ApiKeyStatus = 'active' | 'rotating' | 'expired' | 'revoked';
