// Peak memory per worker: weights, gradients, optimizer state (momentum) and the activations
// stashed for the backward pass. Inputs to the model segment of a hybrid are all K·B samples.
import type { AnalyzedModel } from '../model/analyze';
import type { ResolvedPlan } from '../plan/resolve';
import { valueBytes } from './compute';
import { stageLayersOf } from '../strategies/pipeline';

export interface MemoryUse {
  weightsBytes: number;
  gradientsBytes: number;
  optimizerBytes: number;
  activationsBytes: number;
  totalBytes: number;
  capacityBytes: number;
  fits: boolean;
}

export function memoryPerWorker(model: AnalyzedModel, plan: ResolvedPlan, capacityBytes: number): MemoryUse {
  const K = plan.plan.workers;
  const B = plan.plan.batchPerWorker;
  const act = valueBytes(plan.plan.precision ?? 'fp32') / 4;
  let params = 0;
  let activations = 0;
  for (const seg of plan.segments) {
    const s = seg.segment;
    if (s.parallelism === 'data') {
      for (const i of seg.layers) {
        params += model.layers[i].parameters;
        activations += model.layers[i].activationBytes * B * act;
      }
    } else if (s.parallelism === 'model') {
      // Each worker holds 1/K of the weights and of the outputs, for every sample of the step,
      // plus the gathered (full) input of each layer.
      const samples = plan.stepSamples;
      for (const i of seg.layers) {
        const l = model.layers[i];
        params += l.parameters / K;
        activations += (l.activationBytes / K + l.inputBytes) * samples * act;
      }
    } else {
      // Pipeline: the fullest stage (as the plan splits them) with its weights, gradients and
      // optimizer state, and the activations of all micro-batches (GPipe keeps them).
      const stages = stageLayersOf(model, s, seg.layers, K);
      let worst = { p: 0, a: 0 };
      for (const st of stages) {
        const ls = st.map((i) => model.layers[i]);
        const cand = { p: ls.reduce((x, l) => x + l.parameters, 0), a: ls.reduce((x, l) => x + l.activationBytes * B * act, 0) };
        if (cand.p * 4 * 3 + cand.a > worst.p * 4 * 3 + worst.a) worst = cand;
      }
      params += worst.p;
      activations += worst.a;
    }
  }
  const weightsBytes = params * 4;
  const total = weightsBytes * 3 + activations;
  return {
    weightsBytes, gradientsBytes: weightsBytes, optimizerBytes: weightsBytes, activationsBytes: activations,
    totalBytes: total, capacityBytes, fits: total <= capacityBytes,
  };
}
