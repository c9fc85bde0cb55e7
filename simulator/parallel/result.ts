// A composed plan's simulation in the simulator's result type: step time, speedup over one
// worker, where the time went, memory, cost, and the FLOP rates large-model training reports.
import type { Hardware } from '../hardware/schema';
import type { AnalyzedModel } from '../model/analyze';
import type { ResolvedPlan } from '../plan/resolve';
import { peakKey } from '../cost/compute';
import { costOf } from '../cost/price';
import type { SimulateOptions, SimulationResult } from '../simulate';
import { simulateComposed } from './step';
import { expectedSlowest } from '../stragglers';

export interface FlopRates {
  /** Training FLOPs per step without recomputation, and what the devices ran (with it; Narayanan et al. 2021 eq. 3 counts these). */
  modelFlopsPerStep: number;
  hardwareFlopsPerStep: number;
  /** Hardware FLOP/s per worker (the "achieved TFLOP/s per GPU" of Megatron-LM's tables). */
  achievedFlopsPerWorker: number;
  /** Model FLOPs utilisation: model FLOP/s per worker over the device's 16-bit dense peak (fp32 plans: its fp32 peak). */
  mfu: number;
}

export function simulateComposedPlan(model: AnalyzedModel, hw: Hardware, plan: ResolvedPlan, options: SimulateOptions = {}): SimulationResult {
  // Stragglers: a synchronous step waits for the slowest of the workers, so the representative
  // computes at the expected slowest factor (docs/fidelity.md; exact for data parallelism's one
  // synchronisation per step, an upper bound where tensor or pipeline ranks synchronise more often).
  const slowest = expectedSlowest(plan.plan.workers, hw.device.variability?.computeCv ?? 0);
  const r = simulateComposed(model, hw, plan, true, slowest);
  const p = plan.plan;
  if (r.stepTimeSeconds === undefined) return { feasible: false, plan: p, family: plan.family, reason: r.reason!, memory: r.memory };
  const g = r.graph!;
  const step = r.stepTimeSeconds;
  const K = p.workers;
  const samples = plan.stepSamples;
  const baseline = options.baselineStepSeconds ?? (K === 1 ? step : singleWorkerStep(model, hw, plan));
  const speedup = samples / step / (p.batchPerWorker / baseline);
  const precision = r.layout.precision;
  // MFU against the 16-bit dense peak for every reduced precision (fp8 plans included), so plans compare.
  const peak = precision === 'fp32' ? hw.device.peakFlops : hw.device.peakFlopsByPrecision?.[peakKey('bf16')] ?? hw.device.peakFlopsByPrecision?.fp16 ?? hw.device.peakFlops;
  const flops: FlopRates = {
    modelFlopsPerStep: r.modelFlopsPerStep, hardwareFlopsPerStep: r.hardwareFlopsPerStep,
    achievedFlopsPerWorker: r.hardwareFlopsPerStep / step / K, mfu: r.modelFlopsPerStep / step / K / peak,
  };
  const result: SimulationResult = {
    feasible: true, plan: p, family: plan.family, stepTimeSeconds: step, samplesPerStep: samples, samplesPerSecond: samples / step,
    speedup, efficiency: speedup / K, breakdown: r.breakdown!, memory: r.memory,
    cost: costOf(hw, plan, step, g, 0, options.datasetSamples ?? model.model.training?.dataset?.trainSamples),
    bytesPerStep: 0, restartSecondsPerStep: 0, simulatedWorkers: r.layout.pipeline, events: r.events ?? 0, flops,
  };
  g.dispose();
  return result;
}

const baselines = new WeakMap<AnalyzedModel, Map<string, number>>();

/** The same model and batch per replica on one worker, memory unchecked (a speedup is defined even when one device cannot hold it). */
function singleWorkerStep(model: AnalyzedModel, hw: Hardware, plan: ResolvedPlan): number {
  const p = plan.plan;
  let m = baselines.get(model);
  if (!m) baselines.set(model, (m = new Map()));
  const key = `${JSON.stringify(hw.device)}|${p.batchPerWorker}|${p.microBatch}|${p.precision}|${p.recompute}|${p.optimizer}`;
  const hit = m.get(key);
  if (hit !== undefined) return hit;
  const single: ResolvedPlan = {
    ...plan, family: 'single', stepSamples: p.batchPerWorker,
    plan: { ...p, workers: 1, tensor: 1, pipeline: 1, schedule: undefined, virtualStages: undefined, zero: 0, sequenceParallel: undefined },
  };
  const r = simulateComposed(model, { ...hw, workers: Math.max(1, hw.workers), device: { ...hw.device, memoryBytes: Infinity } }, single);
  if (r.stepTimeSeconds === undefined) throw new Error(r.reason);
  m.set(key, r.stepTimeSeconds);
  return r.stepTimeSeconds;
}
