// `trainplan calibrate --out F`: microbenchmarks the local workers and writes a hardware file;
// `--transport s3` measures an S3 endpoint too (by default an embedded server) and writes its
// objectStore block — into the existing file alone, when --out names a hardware file already.
import type { S3Config } from '../../runtime/s3/client';
import { Command, Option } from 'commander';
import { existsSync } from 'node:fs';
import { readHardwareFile } from '../../simulator/hardware/load';
import type { Hardware } from '../../simulator/hardware/schema';
import { calibrateObjectStoreInThread, StoreCalibration } from '../../runtime/s3/calibrate';
import { openStoreSession } from '../../runtime/s3/session';
import { problem, UserError } from '../../simulator/errors';
import { loadModel } from '../../simulator/model/analyze';
import { writeAtomic } from '../../simulator/trace';
import { calibrate, Calibration, CALIBRATE_DEFAULTS, MIX_MODELS } from '../../runtime/calibrate';
import { int, intList } from '../inputs';
import { need, Output } from '../io';
import { progressBar } from '../progress';
import { fixed, si, table } from '../table';
import { MINI_OWT_FILE } from '../../runtime/paths';
import { calibrateNoiseScale } from '../noise-calibration';

/** The noise scale's batch per worker unless --batch: validate's default batch, and calibrate's before it timed several. */
const NOISE_SCALE_BATCH = 32;

export function register(program: Command): void {
  program
    .command('calibrate')
    .description('microbenchmark the local workers and write a hardware file')
    .option('--out <file>', 'hardware file to write (with --noise-scale: the model file, default --model)')
    .option('--noise-scale', 'measure the gradient noise scale of --model (data-parallel, --workers × --batch, --steps) and write it into its training section')
    .option('--model <file>', 'with --noise-scale: the model file')
    .option('--steps <n>', 'with --noise-scale: training steps (default 200)', int('steps'))
    .option('--batch <n>', `with --noise-scale: samples per worker per step (default ${NOISE_SCALE_BATCH})`, int('batch'))
    .option('--backend <name>', 'TensorFlow.js backend (default: the fastest present)')
    .option('--workers <n>', 'worker threads benchmarked together (default: CPU cores)', int('workers'), CALIBRATE_DEFAULTS.workers)
    .option('--models <files>', 'comma-separated model files whose layers to time (default: mini-owt)')
    .option('--batches <list>', `comma-separated batch sizes every layer is timed at, for the batch curve (default ${CALIBRATE_DEFAULTS.batches.join(',')})`, intList('batches'), CALIBRATE_DEFAULTS.batches)
    .option('--rounds <n>', 'interleaved timed rounds over every layer and batch (median and spread)', int('rounds'), CALIBRATE_DEFAULTS.rounds)
    .addOption(new Option('--transport <kind>', 's3: also measure an S3 endpoint (request latency, bandwidth) into the objectStore block; if --out is a hardware file already, only that block is measured and replaced').choices(['memory', 's3']).default('memory'))
    .option('--s3-endpoint <url>', 'with --transport s3: the endpoint (default: AWS_ENDPOINT_URL, else an embedded server on loopback)')
    .option('--bucket <name>', 'with --transport s3: the bucket to measure in (default trainplan)')
    .option('--json', 'print the hardware file instead of a table')
    .action(async (o: { out: string; noiseScale?: boolean; model?: string; steps?: number; backend?: string; workers: number; models?: string; batch?: number; batches: number[]; rounds: number; transport: string; s3Endpoint?: string; bucket?: string; json?: boolean }) => {
      if (o.noiseScale) {
        const bar = progressBar('steps');
        const c = await calibrateNoiseScale({ model: o.model, out: o.out, workers: o.workers, batch: o.batch ?? NOISE_SCALE_BATCH, steps: o.steps, backend: o.backend }, (d, t) => bar.update(d, t));
        bar.stop();
        new Output(!!o.json).emit(c.model, () => `${c.model.name}: gradient noise scale ${c.noiseScale.toFixed(0)} samples over ${c.steps} steps; wrote training.noiseScale of ${c.file}`);
        return;
      }
      if (!o.out) throw new UserError([problem('--out', 'required: the hardware file to write')]);
      if (o.model || o.steps || o.batch) throw new UserError([problem(o.model ? '--model' : o.steps ? '--steps' : '--batch', 'only applies with --noise-scale')]);
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
      const bar = progressBar('calibrate');
      const c = await calibrate({
        backend: o.backend, workers: o.workers, models, batches: o.batches, rounds: o.rounds,
        transportSizesBytes: CALIBRATE_DEFAULTS.transportSizesBytes, onProgress: (d, t) => bar.update(d, t),
      });
      bar.stop();
      for (const w of c.warnings) process.stderr.write(`warning: ${w}\n`);
      const store = o.transport === 's3' ? await measureStore(o) : undefined;
      const h: Hardware = store ? { ...c.hardware, objectStore: store.objectStore } : c.hardware;
      writeAtomic(o.out, JSON.stringify(h, null, 2) + '\n');
      new Output(!!o.json).emit(h, () => [
        `${h.name}: wrote ${o.out}`,
        h.source,
        `peak ${si(h.device.peakFlops, 'FLOP/s')}, op overhead ${fixed((h.device.opOverheadSeconds ?? 0) * 1e6, 1)} µs; ` +
          `memory transport ${si(h.network.topology === 'switch' ? h.network.bandwidthBytesPerSecond : 0, 'B/s')}, latency ${fixed((h.network.topology === 'switch' ? h.network.latencySeconds : 0) * 1e6, 1)} µs`,
        '',
        calibrationTable(c),
        `a step's compute (the timed models' layers) over rounds: CV ${fixed(c.computeCv * 100, 1)}%`,
        `compute beside the other workers' collective host work: ${fixed((h.device.interference?.computeSlowdown ?? 0) * 100, 1)}% slower (device.interference)`,
        ...(store ? ['', describeStore(store)] : []),
      ].join('\n'));
    });
}

/** Per layer type: the fitted curve, and the achieved rate's median and spread over rounds. */
function calibrationTable(c: Calibration): string {
  const h = c.hardware;
  const d = h.device;
  return table(
    ['layer type', 'rate at large batch', 'efficiency', 'half-rate batch', 'overhead per call', 'measured median', 'p10–p90', 'CV'],
    Object.entries(d.efficiency).map(([t, e]) => {
      const m = c.types[t]?.rate;
      return [
        t, si(c.achievedFlopsPerSecond[t] ?? e * d.peakFlops, 'FLOP/s'), fixed(e, 3), d.batchEfficiency?.halfBatch[t] === undefined ? '' : fixed(d.batchEfficiency.halfBatch[t], 1),
        `${fixed((d.callOverheadSeconds?.[t] ?? 0) * 1e6, 1)} µs`,
        m ? si(m.median, 'FLOP/s') : '', m ? `${si(m.p10, '')}–${si(m.p90, 'FLOP/s')}` : '', m ? `${fixed(m.cv * 100, 1)}%` : '',
      ];
    }),
  );
}

/** The objectStore block of the endpoint (an embedded server unless one is named), measured from a worker thread as runs reach it. */
async function measureStore(o: { workers: number; s3Endpoint?: string; bucket?: string }): Promise<StoreCalibration> {
  const session = await openStoreSession({ kind: 's3', ...(o.s3Endpoint ? { endpoint: o.s3Endpoint } : {}), ...(o.bucket ? { bucket: o.bucket } : {}) });
  try {
    const spec = session.spec;
    return await calibrateObjectStoreInThread(
      { endpoint: spec.endpoint as string | undefined, bucket: (spec.bucket as string | undefined) ?? 'trainplan', createBucket: spec.createBucket as boolean | undefined, credentials: spec.credentials as S3Config['credentials'] },
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
