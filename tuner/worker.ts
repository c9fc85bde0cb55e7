// A tuner worker thread: scores plans with the simulator. The model and hardware documents arrive
// once, as the pool's workerData, and are parsed once per thread; requests carry only plans.
import { workerData } from 'node:worker_threads';
import { parseHardware } from '../simulator/hardware/load';
import type { Hardware } from '../simulator/hardware/schema';
import { AnalyzedModel, parseModel } from '../simulator/model/analyze';
import type { Plan } from '../simulator/plan/schema';
import type { SimulationResult } from '../simulator/simulate';
import { scorePlan } from './evaluator';

/** What a pool's threads are started with. */
export interface EvaluatorData {
  model: unknown;
  hardware: unknown;
}

export interface EvaluateRequest {
  plans: Plan[];
}

let parsed: { model: AnalyzedModel; hw: Hardware } | undefined;

export default function evaluate(req: EvaluateRequest): SimulationResult[] {
  if (!parsed) {
    const data = workerData as EvaluatorData;
    const m = parseModel(data.model);
    const h = parseHardware(data.hardware);
    if (!m.ok || !h.ok) throw new Error('tuner worker received an invalid model or hardware document');
    parsed = { model: m.value, hw: h.value };
  }
  return req.plans.map((p) => scorePlan(parsed!.model, parsed!.hw, p));
}
