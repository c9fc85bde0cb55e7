// `trainplan inspect --model F`: per-layer shapes, parameters, FLOPs and activation sizes.
import type { Command } from 'commander';
import { loadModel } from '../../simulator/model/analyze';
import { need, Output } from '../io';
import { table, fixed } from '../table';

export function register(program: Command): void {
  program
    .command('inspect')
    .description('per-layer shapes, FLOPs, parameters and activation bytes of a model')
    .requiredOption('--model <file>', 'model file (scenarios/models/*.json)')
    .option('--json', 'one JSON document instead of a table')
    .action((o: { model: string; json?: boolean }) => {
      const m = need(loadModel(o.model), o.model);
      const layers = m.order.map((i) => m.layers[i]);
      const doc = {
        name: m.model.name,
        source: m.model.source,
        input: m.model.input,
        parameters: m.parameters,
        flopsPerSample: m.forwardFlops,
        backwardFlopsPerSample: m.backwardFlops,
        activationBytesPerSample: layers.reduce((a, l) => a + l.activationBytes, 0),
        layers: layers.map((l) => ({
          name: l.name, type: l.type, outputShape: l.outputShape, parameters: l.parameters,
          forwardFlops: l.forwardFlops, backwardInputFlops: l.needsInputGradient ? l.backwardInputFlops : 0,
          backwardWeightFlops: l.backwardWeightFlops, activationBytes: l.activationBytes, weightBytes: l.weightBytes,
        })),
      };
      new Output(!!o.json).emit(doc, () => {
        const rows = layers.map((l) => [l.name, l.type, `[${l.outputShape.join('x')}]`, l.parameters.toLocaleString('en-US'),
          fixed(l.forwardFlops / 1e9, 4), fixed(l.activationBytes / 1e6, 3)]);
        rows.push(['total', '', '', m.parameters.toLocaleString('en-US'), fixed(m.forwardFlops / 1e9, 3), fixed(doc.activationBytesPerSample / 1e6, 2)]);
        return `${m.model.name}${m.model.source ? `  (${m.model.source})` : ''}\ninput [${m.model.input.join('x')}], per sample: forward ${fixed(m.forwardFlops / 1e9, 3)} GFLOP, backward ${fixed(m.backwardFlops / 1e9, 3)} GFLOP\n\n` +
          table(['layer', 'type', 'output', 'parameters', 'fwd GFLOP', 'act MB'], rows);
      });
    });
}
