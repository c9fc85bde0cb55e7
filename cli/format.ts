// Human-readable rendering of simulation results (the default output of simulate and tune).
import type { SimulationResult } from '../simulator/simulate';
import { batchSizes, describePlan } from '../simulator/plan/describe';
import { perReplica } from '../simulator/plan/batch';
import { table, fixed } from './table';

const ms = (s: number) => fixed(s * 1e3, 2);

/** Both batch sizes, always: "1024 per step (128 per worker)". */
function batchRow(p: SimulationResult['plan']): string {
  const b = batchSizes(p);
  const per = perReplica(p, b) ? `${b.perWorker} per replica of ${p.workers / b.replicas} workers` : `${b.perWorker} per worker`;
  return `${b.global} per step (${per}${b.global === b.perWorker && p.workers > 1 ? ': each sees every sample' : ''})`;
}

export function formatResult(model: string, hardware: string, r: SimulationResult, dataset?: string): string {
  const head = `${model} on ${hardware}: ${describePlan(r.plan)}`;
  const m = r.memory;
  const mem = `memory per worker: ${fixed(m.totalBytes / 1e9, 2)} GB of ${fixed(m.capacityBytes / 1e9, 2)} GB (weights ${fixed(m.weightsBytes / 1e9, 2)}, gradients ${fixed(m.gradientsBytes / 1e9, 2)}, optimizer ${fixed(m.optimizerBytes / 1e9, 2)}, activations ${fixed(m.activationsBytes / 1e9, 2)})`;
  if (!r.feasible) return `${head}\nINFEASIBLE: ${r.reason}\n${mem}`;
  const b = r.breakdown;
  const rows: (string | number)[][] = [
    ['step time', `${ms(r.stepTimeSeconds)} ms${r.band ? ` (mean over stragglers; p10–p90 ${ms(r.band.p10Seconds)}–${ms(r.band.p90Seconds)} ms, p50 ${ms(r.band.p50Seconds)})` : ''}`],
    ['batch', batchRow(r.plan)],
    ['samples/s', fixed(r.samplesPerSecond, 1)],
    ['speedup', `${fixed(r.speedup, 2)}x on ${r.plan.workers}`],
    ['efficiency', `${fixed(r.efficiency * 100, 1)}%`],
    ['compute', `${ms(b.computeSeconds)} ms`],
    ['communication', `${ms(b.communicationSeconds)} ms`],
    ['  hidden by overlap', `${ms(b.hiddenCommunicationSeconds)} ms`],
    ['  exposed', `${ms(b.exposedCommunicationSeconds)} ms`],
    ['idle', `${ms(b.idleSeconds)} ms`],
  ];
  if (r.flops) {
    rows.push(['achieved', `${fixed(r.flops.achievedFlopsPerWorker / 1e12, 1)} TFLOP/s per worker (recomputation counted)`]);
    rows.push(['MFU', `${fixed(r.flops.mfu * 100, 1)}%`]);
  }
  if (r.cost) {
    rows.push(['$ per step', `${r.cost.dollarsPerStep.toPrecision(3)} (compute ${r.cost.computeDollarsPerStep.toPrecision(3)}, requests ${r.cost.requestDollarsPerStep.toPrecision(3)})`]);
    // Per epoch only of a data set the model names; otherwise per sample.
    if (r.cost.dollarsPerEpoch !== undefined) rows.push([`$ per epoch${dataset ? ` of ${dataset}` : ''}`, `${r.cost.dollarsPerEpoch.toFixed(2)} (${(r.cost.secondsPerEpoch! / 3600).toFixed(2)} h)`]);
    else rows.push(['$ per sample', `${r.cost.dollarsPerSample.toPrecision(3)} (the model names no data set: no per-epoch figures)`]);
  }
  const note = r.unsettled ? `\nnote: ${r.unsettled}` : '';
  return `${head}\n\n${table(['', 'per step (average worker)'], rows)}\n${mem}${note}`;
}
