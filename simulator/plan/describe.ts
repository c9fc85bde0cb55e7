// How plans are named in tables: "hybrid 8 workers × 128 = 1024 per step: conv1–pool5 data(ring),
// fc6–fc8 model(round-robin, fcBatch 1024)". The batch is always said both ways (per worker and per
// step) because batchPerWorker means a share of the step only where layers are data-parallel: in
// model-parallel and pipeline layers every worker sees every sample of the step.
import { planFamily } from './resolve';
import type { Plan } from './schema';
import { batchSizes, perReplica } from './batch';

export { batchSizes, type BatchSizes } from './batch';

/** "8 workers × 128 = 1024 per step", "16 workers, 64 per step" (each sees all), "1 worker, 32 per step", "64 workers, 4 replicas × 8 = 32 per step". */
export function describeBatch(p: Plan): string {
  const b = batchSizes(p);
  if (p.workers === 1) return `1 worker, ${b.global} per step`;
  if (perReplica(p, b)) return `${p.workers} workers, ${b.replicas} replicas × ${b.perWorker} = ${b.global} per step`;
  return b.global === b.perWorker ? `${p.workers} workers, ${b.global} per step` : `${p.workers} workers × ${b.perWorker} = ${b.global} per step`;
}

export function describePlan(p: Plan): string {
  const precision = !p.precision || p.precision === 'fp32' ? '' : p.precision === 'mixed' ? ', mixed precision' : `, ${p.precision}`;
  const head = `${planFamily(p)} ${describeBatch(p)}${precision}`;
  // The composed degrees and settings (docs/plans.md), where the plan has them.
  const dims = [
    p.tensor && p.tensor > 1 ? `tp ${p.tensor}${p.sequenceParallel ? '+sp' : ''}` : '', p.pipeline && p.pipeline > 1 ? `pp ${p.pipeline} ${p.schedule ?? '1f1b'}${p.virtualStages ? `×${p.virtualStages}` : ''}` : '',
    p.zero ? `zero ${p.zero}` : '', p.recompute && p.recompute !== 'none' ? `recompute ${p.recompute}` : '', p.microBatch ? `micro-batch ${p.microBatch}` : '', p.optimizer ?? '',
  ].filter(Boolean);
  // One worker synchronises nothing: no sync or exchange to name.
  if (p.workers === 1) return dims.length ? `${head}: ${dims.join(', ')}` : head;
  const segs = p.segments.map((s) => {
    const range = s.layers[0] === s.layers[1] ? s.layers[0] : `${s.layers[0]}–${s.layers[1]}`;
    if (s.parallelism === 'data') return `${range} data(${s.sync ?? 'ring-allreduce'}${s.overlap === false ? ', no overlap' : ''})`;
    if (s.parallelism === 'model') return `${range} model(${s.exchange ?? 'all-gather'}${s.fcBatch ? `, fcBatch ${s.fcBatch}` : ''})`;
    return `${range} pipeline(${s.stages ?? p.workers} stages, ${s.microBatches ?? 1} micro-batches)`;
  });
  if (dims.length) segs.push(dims.join(', '));
  return `${head}: ${segs.join(', ')}`;
}
