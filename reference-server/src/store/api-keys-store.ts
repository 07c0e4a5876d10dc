// API key records in DynamoDB: create, look up by hash (GSI), read by id.
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ApiKeyRecord } from '../domain/api-key.js';

/** Reads and writes key records. */
export class ApiKeysStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Inserts a new key version; fails if the id already exists. */
  async create(record: ApiKeyRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.table, Item: record, ConditionExpression: 'attribute_not_exists(key_id)' }),
    );
  }

  async get(keyId: string): Promise<ApiKeyRecord | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { key_id: keyId } }));
    return Item as ApiKeyRecord | undefined;
  }

  /** Finds the key whose SHA-256 is `keyHash`. */
  async findByHash(keyHash: string): Promise<ApiKeyRecord | undefined> {
    const { Items } = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'key-hash-index',
        KeyConditionExpression: 'key_hash = :h',
        ExpressionAttributeValues: { ':h': keyHash },
        Limit: 1,
      }),
    );
    return Items?.[0] as ApiKeyRecord | undefined;
  }
}
