// A tuner worker thread: scores plans with the simulator. Models and hardware arrive as their
// JSON documents and are parsed once per thread.
import { parseHardware } from '../simulator/hardware/load';
import type { Hardware } from '../simulator/hardware/schema';
import { AnalyzedModel, parseModel } from '../simulator/model/analyze';
import type { Plan } from '../simulator/plan/schema';
import type { SimulationResult } from '../simulator/simulate';
import { scorePlan } from './evaluator';

export interface EvaluateRequest {
  model: unknown;
  hardware: unknown;
  plans: Plan[];
}

let cached: { modelDoc: unknown; hwDoc: unknown; model: AnalyzedModel; hw: Hardware } | undefined;

export default function evaluate(req: EvaluateRequest): SimulationResult[] {
  if (!cached || JSON.stringify(cached.modelDoc) !== JSON.stringify(req.model) || JSON.stringify(cached.hwDoc) !== JSON.stringify(req.hardware)) {
    const m = parseModel(req.model);
    const h = parseHardware(req.hardware);
    if (!m.ok || !h.ok) throw new Error('tuner worker received an invalid model or hardware document');
    cached = { modelDoc: req.model, hwDoc: req.hardware, model: m.value, hw: h.value };
  }
  return req.plans.map((p) => scorePlan(cached!.model, cached!.hw, p));
}
