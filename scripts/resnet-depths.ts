// Writes ResNet-101 and ResNet-152 (scenarios/models/*.json) from resnet50.json: the same stem,
// bottleneck block and head, with He et al.'s block counts per stage (Table 1: 3-4-6-3 for 50,
// 3-4-23-3 for 101, 3-8-36-3 for 152). The published counts are torchvision's for its weights.
//   npx tsc -p tsconfig.json && node dist/scripts/resnet-depths.js
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface Layer { name: string; inputs?: string[]; [k: string]: unknown }
interface ModelFile { layers: Layer[]; [k: string]: unknown }

const dir = join(__dirname, '..', '..', 'scenarios', 'models');
const base: ModelFile = JSON.parse(readFileSync(join(dir, 'resnet50.json'), 'utf8'));
const BASE_BLOCKS: Record<number, number> = { 2: 3, 3: 4, 4: 6, 5: 3 };
const letter = (i: number) => String.fromCharCode('a'.charCodeAt(0) + i);

/** resnet50's layers with stage s given `blocks[s]` blocks: block a as it is, then copies of block b. */
function deepen(blocks: Record<number, number>): Layer[] {
  const out: Layer[] = [];
  const rename = new Map<string, string>(); // resnet50's last add of a stage → the deeper stage's
  const emitted = new Set<number>();
  for (const l of base.layers) {
    const m = /^res(\d)([a-z])_/.exec(l.name);
    if (!m) {
      out.push(l.inputs ? { ...l, inputs: l.inputs.map((x) => rename.get(x) ?? x) } : l);
      continue;
    }
    const stage = Number(m[1]);
    if (m[2] === 'a') {
      out.push(l.inputs ? { ...l, inputs: l.inputs.map((x) => rename.get(x) ?? x) } : l);
      continue;
    }
    if (emitted.has(stage)) continue;
    emitted.add(stage);
    // Blocks b… of the stage, every one shaped as resnet50's block b, chained through their adds.
    const template = base.layers.filter((x) => x.name.startsWith(`res${stage}b_`));
    let previousAdd = `res${stage}a_add`;
    for (let b = 1; b < blocks[stage]; b++) {
      const prefix = `res${stage}${letter(b)}_`;
      for (const t of template) {
        const name = t.name.replace(`res${stage}b_`, prefix);
        const copy: Layer = { ...t, name };
        if (name.endsWith('_conv1')) copy.inputs = [previousAdd];
        if (name.endsWith('_add')) copy.inputs = [`${prefix}bn3`, previousAdd];
        out.push(copy);
      }
      previousAdd = `${prefix}add`;
    }
    rename.set(`res${stage}${letter(BASE_BLOCKS[stage] - 1)}_add`, previousAdd);
  }
  return out;
}

const deeper = (name: string, blocks: Record<number, number>, parameters: number, gmacs: number, weights: string) => ({
  name,
  source: `He et al. 2015, 'Deep Residual Learning for Image Recognition' (arXiv:1512.03385), Table 1, ${name.replace('resnet', 'ResNet-')}: resnet50.json with ${blocks[2]}-${blocks[3]}-${blocks[4]}-${blocks[5]} bottleneck blocks per stage, as torchvision.models.${name} builds it (same block, stride on the 3x3 conv, 1x1 projection shortcut at the first block of each stage); written by scripts/resnet-depths.ts`,
  input: base.input,
  classes: base.classes,
  published: {
    parameters,
    forwardFlops: 2 * gmacs * 1e9,
    source: `torchvision ${weights}: num_params ${parameters.toLocaleString('en-US')}; ${gmacs} GFLOPS in torchvision's table, which are multiply-adds (x2 = ${(2 * gmacs).toFixed(2)} GFLOPs). Our count additionally includes batch norm, residual adds and pooling, about 1% on top of the convolutions.`,
  },
  training: base.training,
  layers: deepen(blocks),
});

for (const m of [
  deeper('resnet101', { 2: 3, 3: 4, 4: 23, 5: 3 }, 44_549_160, 7.8, 'ResNet101_Weights.IMAGENET1K_V1'),
  deeper('resnet152', { 2: 3, 3: 8, 4: 36, 5: 3 }, 60_192_808, 11.51, 'ResNet152_Weights.IMAGENET1K_V1'),
])
  writeFileSync(join(dir, `${m.name}.json`), `${JSON.stringify(m, null, 2)}\n`);
