// A composed plan's simulation in the simulator's result type: step time, speedup over one
// worker, where the time went, memory, cost, and the FLOP rates large-model training reports.
import type { Hardware } from '../hardware/schema';
import type { AnalyzedModel } from '../model/analyze';
import type { ResolvedPlan } from '../plan/resolve';
import { matrixPeakFlops, peakKey } from '../cost/compute';
import { costOf } from '../cost/price';
import { baselineStep, SIMULATE_DEFAULTS, type SimulateOptions, type SimulationResult } from '../simulate';
import { simulateComposed } from './step';

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
  const r = simulateComposed(model, hw, plan, { keepGraph: true, samples: Math.max(1, Math.round(options.samples ?? SIMULATE_DEFAULTS.samples)) });
  const p = plan.plan;
  if (r.stepTimeSeconds === undefined) return { feasible: false, plan: p, family: plan.family, reason: r.reason!, memory: r.memory };
  const g = r.graph!;
  const step = r.stepTimeSeconds;
  const K = p.workers;
  const samples = plan.stepSamples;
  // One worker with the same batch per replica, micro-batch, recomputation and optimizer (memory unchecked).
  const baseline = options.baselineStepSeconds ?? (K === 1 ? step : baselineStep(model, hw, p.batchPerWorker, r.layout.precision, { microBatch: p.microBatch, recompute: p.recompute, optimizer: p.optimizer }));
  const speedup = samples / step / (p.batchPerWorker / baseline);
  const precision = r.layout.precision;
  // MFU against the 16-bit dense peak for every reduced precision (fp8 plans included), so plans
  // compare; fp32 against the peak its matrix products run at (TF32 where the device has it: an
  // fp32 plan on an A100 at the 19.5 TFLOP/s FP32 peak reported 125%).
  const peak = precision === 'fp32' ? matrixPeakFlops(hw.device, 'fp32') : hw.device.peakFlopsByPrecision?.[peakKey('bf16')] ?? hw.device.peakFlopsByPrecision?.fp16 ?? hw.device.peakFlops;
  const flops: FlopRates = {
    modelFlopsPerStep: r.modelFlopsPerStep, hardwareFlopsPerStep: r.hardwareFlopsPerStep,
    achievedFlopsPerWorker: r.hardwareFlopsPerStep / step / K, mfu: r.modelFlopsPerStep / step / K / peak,
  };
  const result: SimulationResult = {
    feasible: true, plan: p, family: plan.family, stepTimeSeconds: step, samplesPerStep: samples, samplesPerSecond: samples / step,
    speedup, efficiency: speedup / K, breakdown: r.breakdown!, memory: r.memory, ...(r.band ? { band: r.band } : {}),
    cost: costOf(hw, plan, step, g, 0, options.datasetSamples ?? model.model.training?.dataset?.trainSamples),
    bytesPerStep: r.traffic!.sentBytes, restartSecondsPerStep: 0, simulatedWorkers: r.layout.pipeline, events: r.events ?? 0, flops,
  };
  g.dispose();
  return result;
}
