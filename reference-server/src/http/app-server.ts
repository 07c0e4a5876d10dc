// The HTTP server for the Express app, with requests and responses born with the app's prototypes.
//
// Express's app.handle gives every request and response the app's prototypes (app.request and
// app.response) with Object.setPrototypeOf. On an object V8 created with another prototype that is
// slow, and it kept each request's objects alive through two young-generation collections: an Express
// server at 1,300 requests/s promoted ~3 MB per scavenge to the old generation and paused 3 ms per
// scavenge, where node:http alone promoted nothing and paused 0.3 ms (docs/BENCHMARKS.md). When the
// objects already have the app's prototypes, Express's call changes nothing, so Node's server is told
// to build them from classes whose prototypes are the app's (expressjs/express#5998 describes the
// cost and this remedy). Express itself offers no switch for it, hence these few lines.
import { createServer, IncomingMessage, ServerResponse, type Server } from 'node:http';
import type { Express } from 'express';

/**
 * A server for `app` (not listening yet). The app keeps working with servers made elsewhere
 * (supertest, `app.listen`): their requests take the slow path, as before.
 * @example const server = createAppServer(buildApp(deps)); server.listen(0, '127.0.0.1');
 */
export function createAppServer(app: Express): Server {
  const { AppRequest, AppResponse } = classesOf(app);
  return createServer({ IncomingMessage: AppRequest, ServerResponse: AppResponse }, app);
}

type Classes = ReturnType<typeof makeClasses>;
const byApp = new WeakMap<Express, Classes>();

function classesOf(app: Express): Classes {
  let classes = byApp.get(app);
  if (!classes) byApp.set(app, (classes = makeClasses(app)));
  return classes;
}

/**
 * Classes whose prototypes take the place of app.request and app.response: each inherits what the
 * replaced one inherited (Express's request or response methods) and carries `app` the same way.
 */
function makeClasses(app: Express) {
  class AppRequest extends IncomingMessage {}
  class AppResponse extends ServerResponse<AppRequest> {}
  adopt(app, 'request', AppRequest.prototype);
  adopt(app, 'response', AppResponse.prototype);
  return { AppRequest, AppResponse };
}

function adopt(app: Express, which: 'request' | 'response', proto: object): void {
  const current = app[which] as object;
  Object.setPrototypeOf(proto, Object.getPrototypeOf(current));
  for (const key of Reflect.ownKeys(current)) Object.defineProperty(proto, key, Object.getOwnPropertyDescriptor(current, key)!);
  (app as unknown as Record<string, object>)[which] = proto;
}
