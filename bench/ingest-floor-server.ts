// The ingest benchmark's floor: the least a server can do per event on this machine and backend. A bare
// node:http server that parses each POSTed JSON body, writes it as one item through the project's group
// commit (WriteBatcher, the same SDK client settings, one shared row per call as the events store's
// bundles write) and answers 201 with JSON — no Express, authentication, validation, metrics, chaos
// fault points or background jobs. The ingest benchmark runs it at the Triggers API's open-model rate in
// the same round, so the API's tail can be read against what the machine and dynalite allow at that rate.
// Run by bench/ingest.bench.ts as a child process; DYNAMODB_ENDPOINT is the embedded store's.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { createDynamo } from '../reference-server/src/store/dynamo-client.js';
import { ensureTables, tableNames } from '../reference-server/src/store/tables.js';
import { WriteBatcher } from '../reference-server/src/store/write-batcher.js';

const PREFIX = 'bench-floor-';
const endpoint = process.env.DYNAMODB_ENDPOINT;
if (!endpoint) throw new Error('set DYNAMODB_ENDPOINT to the store the floor server writes to');

const { client, doc } = createDynamo({ endpoint });
await ensureTables(client, PREFIX);
const tables = tableNames(PREFIX);
// One shared outbox row per call, holding the ids of the call's events (the events store's bundles).
const batcher = new WriteBatcher<string>(doc, (ids) => ({ puts: [{ table: tables['event-outbox'], item: { consumer: 'floor', event_id: randomUUID(), events: ids } }], shared: undefined }));

let next = 0;
const server = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => (body += chunk));
  req.on('end', () => {
    void (async () => {
      try {
        const input = JSON.parse(body) as { source: string; event_type: string; payload: unknown };
        const eventId = `evt_${(next++).toString().padStart(26, '0')}`;
        const item = {
          tenant_id: 'tnt_floor',
          event_id: eventId,
          inbox_tenant: 'tnt_floor',
          source: input.source,
          event_type: input.event_type,
          payload_json: JSON.stringify(input.payload),
          created_at: new Date().toISOString(),
        };
        await batcher.put([{ table: tables.events, item }], eventId);
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ event_id: eventId, source: item.source, event_type: item.event_type, payload: input.payload, created_at: item.created_at }));
      } catch (err) {
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: (err as Error).message }));
      }
    })();
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  console.log(`floor server listening on http://127.0.0.1:${address.port}`);
});
process.once('SIGTERM', () => {
  server.close();
  client.destroy();
  process.exit(0);
});
