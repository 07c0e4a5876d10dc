// Rate-limit tiers no benchmark reaches, for every tier a benchmark key might have, so the limiter does
// all its work (counting, headers) without ever refusing a request.
const unreachable = { minute: 1e9, hour: 1e9, day: 1e9 };

export const UNLIMITED_TIERS = JSON.stringify({ free: unreachable, startup: unreachable, business: unreachable, enterprise: unreachable });
