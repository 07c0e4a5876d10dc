// DynamoDB error injector: raises the AWS SDK's own exception classes with the status and fault a real
// response would carry, so the SDK's retry strategy classifies them as it would the real thing.
import {
  DynamoDBServiceException,
  InternalServerError,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ThrottlingException,
} from '@aws-sdk/client-dynamodb';
import { z } from 'zod';

/** The DynamoDB errors the injector can raise (wire names, exactly as AWS spells them). */
export const DYNAMODB_ERROR_NAMES = [
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
] as const;

/** One of {@link DYNAMODB_ERROR_NAMES}. */
export type DynamoDbErrorName = (typeof DYNAMODB_ERROR_NAMES)[number];

/** Settings: which error, and optionally the message it carries. */
export const dynamodbErrorSchema = z.strictObject({
  kind: z.literal('dynamodb_error'),
  error: z.enum(DYNAMODB_ERROR_NAMES),
  message: z.string().max(500).optional(),
});

/** A validated DynamoDB error injector. */
export type DynamoDbErrorInjector = z.infer<typeof dynamodbErrorSchema>;

// Messages as DynamoDB sends them, so log-based alerting sees familiar text.
const messages: Record<DynamoDbErrorName, string> = {
  ThrottlingException: 'Rate of requests exceeds the allowed throughput.',
  ProvisionedThroughputExceededException:
    'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
  RequestLimitExceeded: 'Throughput exceeds the current throughput limit for your account.',
  InternalServerError: 'Internal server error',
  ServiceUnavailable: 'Service unavailable',
};

/**
 * Builds the exception the SDK would have deserialised. Throttling errors are 400 client faults marked
 * `$retryable.throttling` (the SDK retries them with its throttling backoff); `InternalServerError` (500)
 * and `ServiceUnavailable` (503) are server faults the SDK retries as transient.
 *
 * @example
 * throw createDynamoDbError('ThrottlingException');
 */
export function createDynamoDbError(name: DynamoDbErrorName, message = messages[name]): DynamoDBServiceException {
  const $metadata = (httpStatusCode: number) => ({ httpStatusCode, attempts: 1, totalRetryDelay: 0 });
  const throttling = { throttling: true };
  switch (name) {
    case 'ThrottlingException':
      return Object.assign(new ThrottlingException({ message, $metadata: $metadata(400) }), { $retryable: throttling });
    case 'ProvisionedThroughputExceededException':
      return Object.assign(new ProvisionedThroughputExceededException({ message, $metadata: $metadata(400) }), {
        $retryable: throttling,
      });
    case 'RequestLimitExceeded':
      return Object.assign(new RequestLimitExceeded({ message, $metadata: $metadata(400) }), { $retryable: throttling });
    case 'InternalServerError':
      return new InternalServerError({ message, $metadata: $metadata(500) });
    case 'ServiceUnavailable':
      return new DynamoDBServiceException({ name, message, $fault: 'server', $metadata: $metadata(503) });
  }
}
