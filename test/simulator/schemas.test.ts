// The published JSON Schema files are the ones the validators generate today.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonSchemas } from '../../simulator/schemas';
import { ROOT } from '../helpers/scenarios';

test.each(Object.entries(jsonSchemas()))('scenarios/schema/%s is current (regenerate: npm run schemas)', (name, schema) => {
  const file = JSON.parse(readFileSync(join(ROOT, 'scenarios', 'schema', name), 'utf8'));
  expect(file).toEqual(JSON.parse(JSON.stringify(schema)));
});
