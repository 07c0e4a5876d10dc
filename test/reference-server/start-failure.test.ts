// The line `npm start` prints when it cannot start: a setting's failures name the setting and say
// what to set; anything else keeps its own message.
import { expect, it } from 'vitest';
import { startFailure } from '../../reference-server/src/start-failure.js';

const config = { HOST: '127.0.0.1', PORT: 8080, DYNAMODB_ENDPOINT: undefined };
const failure = (message: string, fields: Record<string, unknown>) => Object.assign(new Error(message), fields);

it('names PORT for a taken or forbidden port', () => {
  expect(startFailure(failure('listen EADDRINUSE', { code: 'EADDRINUSE', syscall: 'listen' }), config)).toBe('cannot start: 127.0.0.1:8080 is already in use (set PORT to another port)');
  expect(startFailure(failure('listen EACCES', { code: 'EACCES', syscall: 'listen' }), { ...config, PORT: 80 })).toBe('cannot start: no permission to listen on 127.0.0.1:80 (set PORT to 1024 or above)');
});

it('names HOST when it is not an address of this machine', () => {
  const host = { ...config, HOST: '999.1.1.1' };
  expect(startFailure(failure('getaddrinfo ENOTFOUND 999.1.1.1', { code: 'ENOTFOUND', syscall: 'getaddrinfo', hostname: '999.1.1.1' }), host)).toMatch(/^cannot start: HOST=999\.1\.1\.1 is not an address of this machine \(set HOST to 127\.0\.0\.1/);
  expect(startFailure(failure('listen EADDRNOTAVAIL', { code: 'EADDRNOTAVAIL', syscall: 'listen' }), { ...config, HOST: '10.255.255.1' })).toMatch(/^cannot start: HOST=10\.255\.255\.1 /);
});

it('names DYNAMODB_ENDPOINT when the DynamoDB it names does not answer', () => {
  const external = { ...config, DYNAMODB_ENDPOINT: 'http://127.0.0.1:1' };
  expect(startFailure(failure('connect ECONNREFUSED 127.0.0.1:1', { code: 'ECONNREFUSED', syscall: 'connect' }), external)).toBe(
    'cannot start: DynamoDB at DYNAMODB_ENDPOINT=http://127.0.0.1:1 did not answer (connect ECONNREFUSED 127.0.0.1:1); start it, or unset DYNAMODB_ENDPOINT to use the embedded store',
  );
  expect(startFailure(failure('Connect Timeout Error', { code: 'UND_ERR_CONNECT_TIMEOUT' }), external)).toMatch(/DYNAMODB_ENDPOINT=http:\/\/127\.0\.0\.1:1 did not answer/);
});

it('keeps the message of any other failure', () => {
  expect(startFailure(new Error('the secrets key is not valid'), config)).toBe('cannot start: the secrets key is not valid');
  expect(startFailure('boom', config)).toBe('cannot start: boom');
});
