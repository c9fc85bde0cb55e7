// JSON Schema files for the three formats, generated from the zod validators so editors can
// complete scenario files; scenarios/schema/ holds the generated copies (a test keeps them current).
import { z } from 'zod';
import { Hardware } from './hardware/schema';
import { Model } from './model/schema';
import { Plan } from './plan/schema';

export function jsonSchemas(): Record<string, object> {
  const gen = (name: string, schema: z.ZodType, title: string) => ({
    [`${name}.schema.json`]: { $id: `https://trainplan.dev/schema/${name}.schema.json`, title, ...z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) },
  });
  return {
    ...gen('model', Model, 'trainplan model: a DAG of layers'),
    ...gen('hardware', Hardware, 'trainplan hardware: devices, network, object store, prices'),
    ...gen('plan', Plan, 'trainplan plan: workers, batch and parallel segments'),
  };
}
