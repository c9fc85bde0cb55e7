// One-line description of a plan for tables: "hybrid 8×128: conv1–pool5 data(ring), fc6–fc8 model(round-robin, fcBatch 1024)".
import { planFamily } from './resolve';
import type { Plan } from './schema';

export function describePlan(p: Plan): string {
  const segs = p.segments.map((s) => {
    const range = s.layers[0] === s.layers[1] ? s.layers[0] : `${s.layers[0]}–${s.layers[1]}`;
    if (s.parallelism === 'data') return `${range} data(${s.sync ?? 'ring-allreduce'}${s.overlap === false ? ', no overlap' : ''})`;
    if (s.parallelism === 'model') return `${range} model(${s.exchange ?? 'all-gather'}${s.fcBatch ? `, fcBatch ${s.fcBatch}` : ''})`;
    return `${range} pipeline(${s.stages ?? p.workers} stages, ${s.microBatches ?? 1} micro-batches)`;
  });
  const dims = [
    p.tensor && p.tensor > 1 ? `tp ${p.tensor}${p.sequenceParallel ? '+sp' : ''}` : '', p.pipeline && p.pipeline > 1 ? `pp ${p.pipeline} ${p.schedule ?? '1f1b'}${p.virtualStages ? `×${p.virtualStages}` : ''}` : '',
    p.zero ? `zero ${p.zero}` : '', p.recompute && p.recompute !== 'none' ? `recompute ${p.recompute}` : '', p.microBatch ? `micro-batch ${p.microBatch}` : '', p.optimizer ?? '',
  ].filter(Boolean);
  if (dims.length) segs.push(dims.join(', '));
  return `${planFamily(p)} ${p.workers}×${p.batchPerWorker}${p.precision && p.precision !== 'fp32' ? ` ${p.precision}` : ''}: ${segs.join(', ')}`;
}
