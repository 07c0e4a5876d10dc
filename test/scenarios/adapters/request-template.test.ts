// Request templates: every `{{…}}` is a placeholder, so a misspelt one (`{{idempotency-key}}`) is
// refused by validate and run before anything starts, rather than sent as literal text and the data
// loss it causes blamed on the service.
import { describe, expect, it } from 'vitest';
import { fillBody, fillString, placeholders } from '../../../scenarios/adapters/request-template.js';
import { preflightProblems } from '../../../scenarios/runner/preflight.js';
import { parseScenario } from '../../../scenarios/scenario/parse-scenario.js';

describe('request templates', () => {
  it('finds every {{…}} as a placeholder, well-formed or not', () => {
    expect(placeholders({ path: '/e/{{ id }}', headers: { 'idempotency-key': '{{idempotency-key}}', x: '{{}}', t: '{{env.MY-TOKEN}}' }, body: { n: '{{seq}}', list: ['{{event type}}'] } })).toEqual([
      'id',
      'idempotency-key',
      '',
      'env.MY-TOKEN',
      'seq',
      'event type',
    ]);
    // Braces around a placeholder stay text around it.
    expect(placeholders('{{{seq}}}')).toEqual(['seq']);
    expect(fillString('{{{seq}}}', { seq: 3 }, {})).toBe('{3}');
  });

  it('fills well-formed names and throws on any other, never sending the placeholder as text', () => {
    expect(fillBody({ n: '{{ seq }}', type: 'x.{{event_type}}', tok: '{{env.MY-TOKEN}}' }, { seq: 3, event_type: 'a' }, { 'MY-TOKEN': 't' })).toEqual({ n: 3, type: 'x.a', tok: 't' });
    expect(() => fillString('{{idempotency-key}}', { idempotency_key: 'k1' }, {})).toThrow('template variable {{idempotency-key}} has no value');
    expect(() => fillBody('{{idempotency-key}}', { idempotency_key: 'k1' }, {})).toThrow('{{idempotency-key}} has no value');
    expect(() => fillString('{{constructor}}', {}, {})).toThrow('{{constructor}} has no value');
  });

  it('lets validate and run refuse a misspelt placeholder, naming the request and the names it knows', () => {
    const scenario = parseScenario({
      title: 'typo',
      target: { kind: 'url', base_url: 'http://127.0.0.1:9' },
      adapter: {
        http: {
          create_event: { method: 'POST', path: '/events', headers: { 'idempotency-key': '{{idempotency-key}}' }, body: { type: '{{event_type}}' }, id: '$.id' },
          read_event: { path: '/events/{{id}}' },
        },
      },
      load: { rate: 5 },
      phases: { baseline: '1s', fault: '1s', recovery: '1s' },
    });
    expect(preflightProblems(scenario, {})).toEqual([
      { path: 'adapter.http.create_event', message: '{{idempotency-key}} is not a variable here: use {{seq}}, {{event_type}}, {{idempotency_key}}, {{run_id}} or {{env.NAME}}' },
    ]);
  });
});
