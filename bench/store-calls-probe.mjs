// Counts the requests the store (dynalite) serves, by operation and table, for
// `bench/open-model-run.ts --calls`, which loads it into the store with `--import`. Every 250 ms it
// writes the running counts to STORE_CALLS_FILE as `{ "at": <epoch ms>, "counts": { "<call>": n } }`;
// the run reads the file at the start and the end of the open model and prints the difference per
// second. A BatchWriteItem is named by what it writes (`BatchWriteItem events+ event-outbox-`: puts
// to one table, deletes from another), so group commits, outbox deletes and the rest count apart.
// Hand-written: no library counts a DynamoDB endpoint's calls by what they carry, and dynalite logs
// nothing of them.
import { Buffer } from 'node:buffer';
import { writeFileSync } from 'node:fs';
import { Server } from 'node:http';
import { setInterval } from 'node:timers';

const file = process.env.STORE_CALLS_FILE;
if (file) {
  const counts = {};
  const count = (name) => (counts[name] = (counts[name] ?? 0) + 1);
  const short = (table) => table.replace(/^triggers-api-/, '');
  const emit = Server.prototype.emit;
  Server.prototype.emit = function (event, req, ...rest) {
    const operation = event === 'request' ? req.headers['x-amz-target']?.split('.')[1] : undefined;
    if (operation) {
      const chunks = [];
      req.on('data', (chunk) => chunks.push(chunk));
      req.on('end', () => {
        let body;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString());
        } catch {
          return count(operation);
        }
        if (operation === 'BatchWriteItem' && body.RequestItems) {
          const kinds = new Set();
          for (const [table, writes] of Object.entries(body.RequestItems)) for (const w of writes) kinds.add(`${short(table)}${w.PutRequest ? '+' : '-'}`);
          count(`${operation} ${[...kinds].sort().join(' ')}`);
        } else count(body.TableName ? `${operation} ${short(body.TableName)}${body.IndexName ? `/${body.IndexName}` : ''}` : operation);
      });
    }
    return emit.call(this, event, req, ...rest);
  };
  setInterval(() => writeFileSync(file, JSON.stringify({ at: Date.now(), counts })), 250).unref();
}
