// Public entry point of @aftershock/triggers-client: the client, its errors, signing and webhook
// verification helpers, and every model type.
export { TriggersApiClient, type TriggersApiClientOptions } from './client.js';
export {
  TriggersApiError,
  ValidationError,
  UnauthorizedError,
  ForbiddenError,
  NotFoundError,
  ConflictError,
  RateLimitedError,
  ServerError,
  NetworkError,
  TimeoutError,
  type TriggersApiErrorInit,
} from './errors.js';
export type { RetryOptions } from './retry-policy.js';
export type { CallOptions } from './transport.js';
export { canonicalQuery, newSignatureNonce, signRequest, signatureHeaders, stringToSign, type RequestToSign } from './request-signing.js';
export { verifyWebhook, type ReceivedHeaders, type VerifyWebhookOptions, type WebhookVerifyFailure, type WebhookVerifyResult } from './verify-webhook.js';
export { paginate } from './paginate.js';
export type { CreateEventOptions, InboxPage } from './resources/events.js';
export type { WebhookPage, DeliveryPage, DlqPage, WebhookListQuery, DeliveryListQuery, DlqListQuery } from './resources/webhooks.js';
export type { AnalyticsPage, AnalyticsQuery, AnalyticsExport } from './resources/analytics.js';
export type { KeyVersionsPage } from './resources/api-keys.js';
export type { AuditPage, AuditQuery } from './resources/audit.js';
export type * from './models.js';
export type * from './admin-models.js';
