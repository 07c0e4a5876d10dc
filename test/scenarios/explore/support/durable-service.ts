// A small service the runner starts as a command: events kept in memory and appended to a file
// (`DATA_FILE`) before the create is answered, read back from it when it starts again. Planted bug
// `WRITE_BEHIND=1`: the event is appended 300 ms after the answer, so a kill -9 loses the events it
// acknowledged in the last 300 ms, and only a kill exposes it.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ScenarioInput } from '../../../../scenarios/scenario/scenario-schema.js';

const SOURCE = `
import { createServer } from 'node:http';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
const file = process.env.DATA_FILE;
const events = new Set(existsSync(file) ? readFileSync(file, 'utf8').split('\\n').filter(Boolean) : []);
const persist = (id) => appendFileSync(file, id + '\\n');
createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const send = (status, value) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    if (req.method === 'POST' && req.url === '/events') {
      const id = randomUUID();
      events.add(id);
      if (process.env.WRITE_BEHIND === '1') setTimeout(() => persist(id), 300);
      else persist(id);
      return send(201, { id });
    }
    const read = /^\\/events\\/([^/]+)$/.exec(req.url);
    if (req.method === 'GET' && read) return events.has(read[1]) ? send(200, { id: read[1] }) : send(404, { error: 'not found' });
    send(200, { ok: true });
  });
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

/**
 * Writes the service into `dir` and returns a scenario that starts it on `port` (with the planted bug
 * when `writeBehind`), creates events through the http adapter and reads them back.
 */
export async function durableServiceScenario(dir: string, port: number, writeBehind: boolean): Promise<ScenarioInput> {
  const script = join(dir, 'durable-service.mjs');
  await writeFile(script, SOURCE);
  return {
    title: 'durable service',
    target: {
      kind: 'command',
      run: `${JSON.stringify(process.execPath)} ${JSON.stringify(script)}`,
      ready_url: `http://127.0.0.1:${port}/`,
      ready_timeout: '10s',
      env: { PORT: String(port), DATA_FILE: join(dir, 'events.log'), WRITE_BEHIND: writeBehind ? '1' : '0' },
    },
    adapter: { http: { create_event: { method: 'POST', path: '/events', body: { seq: '{{seq}}' }, id: '$.id' }, read_event: { path: '/events/{{id}}' } } },
    load: { rate: 10 },
    phases: { baseline: '1s', fault: '600ms', recovery: '1s' },
    quiesce: '1s',
  };
}
