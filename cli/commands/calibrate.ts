// `trainplan calibrate --out F`: microbenchmarks the local workers and writes a hardware file.
import { Command } from 'commander';
import { problem, UserError } from '../../simulator/errors';
import { loadModel } from '../../simulator/model/analyze';
import { writeAtomic } from '../../simulator/trace';
import { calibrate, CALIBRATE_DEFAULTS, MIX_MODELS } from '../../runtime/calibrate';
import { int } from '../inputs';
import { need, Output } from '../io';
import { progressBar } from '../progress';
import { fixed, si, table } from '../table';
import { MINI_OWT_FILE } from '../../runtime/paths';

export function register(program: Command): void {
  program
    .command('calibrate')
    .description('microbenchmark the local workers and write a hardware file')
    .requiredOption('--out <file>', 'hardware file to write')
    .option('--backend <name>', 'TensorFlow.js backend (default: the fastest present)')
    .option('--workers <n>', 'worker threads benchmarked together (default: CPU cores)', int('workers'), CALIBRATE_DEFAULTS.workers)
    .option('--models <files>', 'comma-separated model files whose layers to time (default: mini-owt)')
    .option('--batch <n>', 'samples per layer call', int('batch'), CALIBRATE_DEFAULTS.batch)
    .option('--repeats <n>', 'timed repetitions (median)', int('repeats'), CALIBRATE_DEFAULTS.repeats)
    .option('--json', 'print the hardware file instead of a table')
    .action(async (o: { out: string; backend?: string; workers: number; models?: string; batch: number; repeats: number; json?: boolean }) => {
      const files = o.models ? o.models.split(',').map((s) => s.trim()).filter(Boolean) : [MINI_OWT_FILE];
      if (!files.length) throw new UserError([problem('--models', 'must name at least one model file')]);
      const models = [...files.map((f) => need(loadModel(f), f).model), ...MIX_MODELS];
      const bar = progressBar('calibrate', !!o.json);
      const c = await calibrate({
        backend: o.backend, workers: o.workers, models, batch: o.batch, repeats: o.repeats,
        transportSizesBytes: CALIBRATE_DEFAULTS.transportSizesBytes, onProgress: (d, t) => bar.update(d, t),
      });
      bar.stop();
      writeAtomic(o.out, JSON.stringify(c.hardware, null, 2) + '\n');
      const h = c.hardware;
      new Output(!!o.json).emit(h, () => [
        `${h.name}: wrote ${o.out}`,
        h.source,
        `peak ${si(h.device.peakFlops, 'FLOP/s')}, op overhead ${fixed((h.device.opOverheadSeconds ?? 0) * 1e6, 1)} µs; ` +
          `memory transport ${si(h.network.topology === 'switch' ? h.network.bandwidthBytesPerSecond : 0, 'B/s')}, latency ${fixed((h.network.topology === 'switch' ? h.network.latencySeconds : 0) * 1e6, 1)} µs`,
        '',
        table(['layer type', 'achieved', 'efficiency'], Object.entries(h.device.efficiency).map(([t, e]) => [t, t === 'default' ? '' : si(c.achievedFlopsPerSecond[t] ?? 0, 'FLOP/s'), fixed(e, 3)])),
      ].join('\n'));
    });
}
