// Regenerates scenarios/scenario.schema.json from the zod schema: `npm run scenario-schema`.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { scenarioJsonSchemaText } from './json-schema.js';

const target = fileURLToPath(new URL('../scenario.schema.json', import.meta.url));
await writeFile(target, scenarioJsonSchemaText());
console.log(`wrote ${target}`);
