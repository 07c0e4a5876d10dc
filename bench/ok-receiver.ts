// A webhook receiver in a process of its own, for bench/transport.bench.ts: reads each POST and answers
// 200 "ok", so only the sender's CPU is counted in the bench process.
import { createServer } from 'node:http';
import { listenOnLoopback } from './loopback.js';

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
});
console.log(`listening on ${await listenOnLoopback(server)}`);
