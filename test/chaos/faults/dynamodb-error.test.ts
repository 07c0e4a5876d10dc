// Injected DynamoDB errors have the SDK's own classes and the shapes its retry strategy reads.
import { DynamoDBServiceException, InternalServerError, ProvisionedThroughputExceededException, ThrottlingException } from '@aws-sdk/client-dynamodb';
import { expect, it } from 'vitest';
import { createDynamoDbError, DYNAMODB_ERROR_NAMES } from '../../../chaos/src/faults/dynamodb-error.js';

it('builds the SDK exception classes', () => {
  expect(createDynamoDbError('ThrottlingException')).toBeInstanceOf(ThrottlingException);
  expect(createDynamoDbError('ProvisionedThroughputExceededException')).toBeInstanceOf(ProvisionedThroughputExceededException);
  expect(createDynamoDbError('InternalServerError')).toBeInstanceOf(InternalServerError);
  for (const name of DYNAMODB_ERROR_NAMES) expect(createDynamoDbError(name)).toBeInstanceOf(DynamoDBServiceException);
});

it('marks throttles as 400 client faults retryable with throttling backoff', () => {
  for (const name of ['ThrottlingException', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded'] as const) {
    expect(createDynamoDbError(name)).toMatchObject({ name, $fault: 'client', $metadata: { httpStatusCode: 400 }, $retryable: { throttling: true } });
  }
});

it('marks InternalServerError as 500 and ServiceUnavailable as 503 server faults', () => {
  expect(createDynamoDbError('InternalServerError')).toMatchObject({ $fault: 'server', $metadata: { httpStatusCode: 500 } });
  expect(createDynamoDbError('ServiceUnavailable')).toMatchObject({ name: 'ServiceUnavailable', $fault: 'server', $metadata: { httpStatusCode: 503 } });
});

it('carries DynamoDB\'s own message unless given one', () => {
  expect(createDynamoDbError('ThrottlingException').message).toBe('Rate of requests exceeds the allowed throughput.');
  expect(createDynamoDbError('InternalServerError', 'boom').message).toBe('boom');
});
