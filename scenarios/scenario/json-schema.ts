// The published JSON Schema for scenario files (editor completion and validation), generated from the
// same zod schema the runner validates with, so the two cannot disagree.
import { z } from 'zod';
import { scenarioSchema } from './scenario-schema.js';

/** The JSON Schema of a scenario as written (durations as strings, defaults optional). */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  return { ...schema, $id: 'https://aftershock.dev/schemas/scenario.schema.json', title: 'Aftershock scenario' };
}

/** The schema as committed in scenarios/scenario.schema.json (two-space JSON, trailing newline). */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
