// `trainplan schemas --out DIR`: writes the JSON Schema files of the model, hardware and plan formats.
import type { Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { jsonSchemas } from '../../simulator/schemas';
import { writeAtomic } from '../../simulator/trace';

export function register(program: Command): void {
  program
    .command('schemas')
    .description('write JSON Schema files for the model, hardware and plan formats')
    .option('--out <dir>', 'output folder', 'scenarios/schema')
    .action((o: { out: string }) => {
      mkdirSync(o.out, { recursive: true });
      for (const [name, schema] of Object.entries(jsonSchemas())) writeAtomic(join(o.out, name), JSON.stringify(schema, null, 2) + '\n');
      process.stdout.write(`wrote ${Object.keys(jsonSchemas()).join(', ')} to ${o.out}\n`);
    });
}
