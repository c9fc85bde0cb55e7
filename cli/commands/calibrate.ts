// `trainplan calibrate --out F`: microbenchmarks the local workers and writes a hardware file;
// `--transport s3` measures an S3 endpoint too (by default an embedded server) and writes its
// objectStore block — into the existing file alone, when --out names a hardware file already.
import { Command, Option } from 'commander';
import { existsSync } from 'node:fs';
import { readHardwareFile } from '../../simulator/hardware/load';
import type { Hardware } from '../../simulator/hardware/schema';
import { calibrateObjectStoreInThread, StoreCalibration } from '../../runtime/s3/calibrate';
import { openStoreSession } from '../../runtime/s3/session';
import { problem, UserError } from '../../simulator/errors';
import { loadModel } from '../../simulator/model/analyze';
import { writeAtomic } from '../../simulator/trace';
import { calibrate, CALIBRATE_DEFAULTS, MIX_MODELS } from '../../runtime/calibrate';
import { int } from '../inputs';
import { need, Output } from '../io';
import { progressBar } from '../progress';
import { fixed, si, table } from '../table';
import { MINI_OWT_FILE } from '../../runtime/paths';
import { calibrateNoiseScale } from '../noise-calibration';

export function register(program: Command): void {
  program
    .command('calibrate')
    .description('microbenchmark the local workers and write a hardware file')
    .option('--out <file>', 'hardware file to write (with --noise-scale: the model file, default --model)')
    .option('--noise-scale', 'measure the gradient noise scale of --model (data-parallel, --workers × --batch, --steps) and write it into its training section')
    .option('--model <file>', 'with --noise-scale: the model file')
    .option('--steps <n>', 'with --noise-scale: training steps (default 200)', int('steps'))
    .option('--backend <name>', 'TensorFlow.js backend (default: the fastest present)')
    .option('--workers <n>', 'worker threads benchmarked together (default: CPU cores)', int('workers'), CALIBRATE_DEFAULTS.workers)
    .option('--models <files>', 'comma-separated model files whose layers to time (default: mini-owt)')
    .option('--batch <n>', 'samples per layer call', int('batch'), CALIBRATE_DEFAULTS.batch)
    .option('--repeats <n>', 'timed repetitions (median)', int('repeats'), CALIBRATE_DEFAULTS.repeats)
    .addOption(new Option('--transport <kind>', 's3: also measure an S3 endpoint (request latency, bandwidth) into the objectStore block; if --out is a hardware file already, only that block is measured and replaced').choices(['memory', 's3']).default('memory'))
    .option('--s3-endpoint <url>', 'with --transport s3: the endpoint (default: AWS_ENDPOINT_URL, else an embedded server on loopback)')
    .option('--bucket <name>', 'with --transport s3: the bucket to measure in (default trainplan)')
    .option('--json', 'print the hardware file instead of a table')
    .action(async (o: { out: string; noiseScale?: boolean; model?: string; steps?: number; backend?: string; workers: number; models?: string; batch: number; repeats: number; transport: string; s3Endpoint?: string; bucket?: string; json?: boolean }) => {
      if (o.noiseScale) {
        const bar = progressBar('steps', !!o.json);
        const c = await calibrateNoiseScale({ model: o.model, out: o.out, workers: o.workers, batch: o.batch, steps: o.steps, backend: o.backend }, (d, t) => bar.update(d, t));
        bar.stop();
        new Output(!!o.json).emit(c.model, () => `${c.model.name}: gradient noise scale ${c.noiseScale.toFixed(0)} samples over ${c.steps} steps; wrote training.noiseScale of ${c.file}`);
        return;
      }
      if (!o.out) throw new UserError([problem('--out', 'required: the hardware file to write')]);
      if (o.model || o.steps) throw new UserError([problem(o.model ? '--model' : '--steps', 'only applies with --noise-scale')]);
      if (o.transport !== 's3' && (o.s3Endpoint || o.bucket)) throw new UserError([problem(o.s3Endpoint ? '--s3-endpoint' : '--bucket', 'only applies with --transport s3')]);
      if (o.transport === 's3' && existsSync(o.out)) {
        // As written: the file is rewritten, so the defaults a load fills in must not be frozen into it.
        const hw = need(readHardwareFile(o.out), o.out);
        const store = await measureStore(o);
        const h: Hardware = { ...hw, objectStore: store.objectStore };
        writeAtomic(o.out, JSON.stringify(h, null, 2) + '\n');
        new Output(!!o.json).emit(h, () => [`${h.name}: wrote the objectStore block of ${o.out}`, describeStore(store)].join('\n'));
        return;
      }
      const files = o.models ? o.models.split(',').map((s) => s.trim()).filter(Boolean) : [MINI_OWT_FILE];
      if (!files.length) throw new UserError([problem('--models', 'must name at least one model file')]);
      const models = [...files.map((f) => need(loadModel(f), f).model), ...MIX_MODELS];
      const bar = progressBar('calibrate', !!o.json);
      const c = await calibrate({
        backend: o.backend, workers: o.workers, models, batch: o.batch, repeats: o.repeats,
        transportSizesBytes: CALIBRATE_DEFAULTS.transportSizesBytes, onProgress: (d, t) => bar.update(d, t),
      });
      bar.stop();
      const store = o.transport === 's3' ? await measureStore(o) : undefined;
      const h: Hardware = store ? { ...c.hardware, objectStore: store.objectStore } : c.hardware;
      writeAtomic(o.out, JSON.stringify(h, null, 2) + '\n');
      new Output(!!o.json).emit(h, () => [
        `${h.name}: wrote ${o.out}`,
        h.source,
        `peak ${si(h.device.peakFlops, 'FLOP/s')}, op overhead ${fixed((h.device.opOverheadSeconds ?? 0) * 1e6, 1)} µs; ` +
          `memory transport ${si(h.network.topology === 'switch' ? h.network.bandwidthBytesPerSecond : 0, 'B/s')}, latency ${fixed((h.network.topology === 'switch' ? h.network.latencySeconds : 0) * 1e6, 1)} µs`,
        '',
        table(['layer type', 'achieved', 'efficiency', 'overhead per call'], Object.entries(h.device.efficiency).map(([t, e]) => [t, t === 'default' ? '' : si(c.achievedFlopsPerSecond[t] ?? e * h.device.peakFlops, 'FLOP/s'), fixed(e, 3), `${fixed((h.device.callOverheadSeconds?.[t] ?? 0) * 1e6, 1)} µs`])),
        ...(store ? ['', describeStore(store)] : []),
      ].join('\n'));
    });
}

/** The objectStore block of the endpoint (an embedded server unless one is named), measured from a worker thread as runs reach it. */
async function measureStore(o: { workers: number; s3Endpoint?: string; bucket?: string }): Promise<StoreCalibration> {
  const session = await openStoreSession({ kind: 's3', ...(o.s3Endpoint ? { endpoint: o.s3Endpoint } : {}), ...(o.bucket ? { bucket: o.bucket } : {}) });
  try {
    const spec = session.spec;
    return await calibrateObjectStoreInThread(
      { endpoint: spec.endpoint as string | undefined, bucket: (spec.bucket as string | undefined) ?? 'trainplan', createBucket: spec.createBucket as boolean | undefined },
      { clients: Math.max(2, o.workers), describe: session.embedded ? 'the embedded s3rver on loopback' : undefined },
    );
  } finally {
    await session.close();
  }
}

function describeStore(c: StoreCalibration): string {
  const m = c.measured;
  return `object store ${m.endpoint}: request ${fixed(((m.putLatencySeconds + m.getLatencySeconds) / 2) * 1e3, 1)} ms (PUT ${fixed(m.putLatencySeconds * 1e3, 1)}, GET ${fixed(m.getLatencySeconds * 1e3, 1)}), ` +
    `PUT ${si(m.putBytesPerSecond, 'B/s')}, GET ${si(m.getBytesPerSecond, 'B/s')}, ${m.clients} clients at once ${si(m.aggregateBytesPerSecond, 'B/s')}, poll ${fixed((c.objectStore.pollIntervalSeconds ?? 0) * 1e3, 1)} ms`;
}
