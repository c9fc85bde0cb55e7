// Gathers what a report shows from what a command has in hand: simulates the chosen plan (with
// its timeline), the plans it is compared with, and the strategies over workers and compute
// density; takes the frontier from a tune result and the rows from a validate result.
import type { Hardware } from '../simulator/hardware/schema';
import type { AnalyzedModel } from '../simulator/model/analyze';
import { describePlan } from '../simulator/plan/describe';
import { resolvePlan, type ResolvedPlan } from '../simulator/plan/resolve';
import { strategyResolved } from '../simulator/plan/shorthand';
import { simulate, topologyOf, type Feasible, type SimulationResult } from '../simulator/simulate';
import { AXIS_TITLES, density, networkBandwidth, sweep, type Axis, type SweepPoint } from '../simulator/sweep';
import { score } from '../tuner/objective';
import type { ValidateResult } from '../runtime/validate';
import type { Curves, FrontierPoint, FrontierSection, PlanFigures, ReportData } from './data';
import { placement } from './placement';
import { timelineSection } from './timeline';
import type { TuneDocument } from './tune-document';

export interface ReportInput {
  /** The command line that asked for the report (shown in its header). */
  command: string;
  model: AnalyzedModel;
  hardware?: Hardware;
  /** The plan the report is about. */
  plan?: ResolvedPlan;
  tune?: TuneDocument;
  validate?: ValidateResult;
  /** A sweep already run (by `trainplan sweep`): drawn as it is instead of the default curves. */
  sweep?: { axis: Axis; points: SweepPoint[]; workers?: number };
}

/** Strategies drawn over workers and density, and compared at the chosen plan's size. */
const STRATEGIES = ['data', 'model', 'hybrid', 'pipeline'];
/** Largest worker count of the default scaling curves: beyond it model and hybrid plans simulate every worker slowly. */
const MAX_CURVE_WORKERS = 64;
/** Compute densities of the default curve, FLOP/s per byte/s: from DistBelief-era CPUs on Ethernet to GPUs on PCIe and beyond (as `sweep --over density`). */
const DENSITIES = [1e1, 1e2, 1e3, 1e4, 1e5, 1e6];

export function curves(points: SweepPoint[], axis: Axis, hw: Hardware | undefined, workers?: number): Curves {
  const names = [...new Set(points.map((p) => p.strategy))];
  return {
    axis, axisLabel: AXIS_TITLES[axis],
    ...(axis !== 'workers' && workers ? { workers } : {}),
    ...(hw && axis === 'density' ? { hardwareX: density(hw) } : hw && axis === 'bandwidth' ? { hardwareX: networkBandwidth(hw) } : hw && axis === 'workers' ? { hardwareX: hw.workers } : {}),
    strategies: names.map((name) => ({
      name,
      points: points.filter((p) => p.strategy === name && p.feasible).map((p) => ({ x: p.x, speedup: p.speedup!, efficiency: p.efficiency!, stepTimeSeconds: p.stepTimeSeconds!, ...(p.band ? { band: p.band } : {}) })),
      infeasible: points.filter((p) => p.strategy === name && !p.feasible).map((p) => ({ x: p.x, reason: p.reason ?? 'infeasible' })),
    })),
  };
}

function figures(name: string, plan: ResolvedPlan, r: SimulationResult, chosen: boolean): PlanFigures {
  return {
    name, description: describePlan(plan.plan), family: plan.family, chosen, samplesPerStep: plan.stepSamples, feasible: r.feasible, memory: r.memory,
    ...(r.feasible ? { stepTimeSeconds: r.stepTimeSeconds, breakdown: r.breakdown } : { reason: r.reason }),
  };
}

const label = (p: ResolvedPlan) => `${p.family} ${p.plan.workers}×${p.plan.batchPerWorker}`;

/** The chosen plan and, for comparison, each strategy's shorthand plan of the same workers and batch. */
interface Compared {
  name: string;
  plan: ResolvedPlan;
  /** From a tune result: why this family's best loses to the chosen plan. */
  why?: string;
}

function comparedWithStrategies(model: AnalyzedModel, hw: Hardware, plan: ResolvedPlan): Compared[] {
  const out: Compared[] = [{ name: `chosen: ${label(plan)}`, plan }];
  const seen = new Set([JSON.stringify(plan.plan.segments)]);
  for (const s of STRATEGIES) {
    const p = strategyResolved(s, model, { workers: plan.plan.workers, batchPerWorker: plan.plan.batchPerWorker, topology: hw.network.topology });
    if (!p.ok || seen.has(JSON.stringify(p.value.plan.segments))) continue;
    seen.add(JSON.stringify(p.value.plan.segments));
    out.push({ name: label(p.value), plan: p.value });
  }
  return out;
}

function frontierSection(hw: Hardware, doc: TuneDocument, chosen: FrontierPoint, families: { family: string; plan: ResolvedPlan; result: SimulationResult; why?: string }[]): FrontierSection {
  return {
    objective: doc.objective, costUnit: doc.costUnit, chosen,
    frontier: doc.frontier.map((s) => ({ family: s.family, description: describePlan(s.plan), secondsPerSample: s.secondsPerSample, costPerSample: s.costPerSample })),
    families: families.filter((f) => f.result.feasible && f.plan.family !== chosen.family).map((f) => {
      const sc = score(hw, f.result as Feasible);
      return { family: f.family, description: describePlan(f.plan.plan), ...sc, slowdown: sc.secondsPerSample / chosen.secondsPerSample, why: f.why ?? '' };
    }),
    infeasibleFamilies: Object.entries(doc.infeasibleFamilies ?? {}).map(([family, why]) => ({ family, why })),
  };
}

function resolved(model: AnalyzedModel, plan: TuneDocument['plan']): ResolvedPlan {
  const r = resolvePlan(plan, model);
  if (!r.ok) throw new Error(`the tune result's plan does not fit model ${model.model.name}: ${r.problems.map((p) => p.message).join('; ')}`);
  return r.value;
}

export function collect(input: ReportInput): ReportData {
  const { model, hardware: hw } = input;
  const data: ReportData = {
    title: `${model.model.name}${hw ? ` on ${hw.name}` : input.validate ? ` on ${input.validate.hardware}` : ''}`,
    command: input.command,
    generatedAt: new Date().toISOString(),
    model: {
      name: model.model.name, parameters: model.parameters, forwardFlops: model.forwardFlops,
      layers: model.layers.map((l) => ({ name: l.name, type: l.type, parameters: l.parameters, forwardFlops: l.forwardFlops })),
    },
  };
  if (hw)
    data.hardware = {
      name: hw.name, workers: hw.workers, device: hw.device.name, peakFlops: hw.device.peakFlops, deviceMemoryBytes: hw.device.memoryBytes,
      networkBytesPerSecond: networkBandwidth(hw), density: density(hw),
    };
  if (input.validate) data.validate = input.validate;
  if (!hw) return data;

  const plan = input.plan ?? (input.tune ? resolved(model, input.tune.plan) : undefined);
  if (plan) {
    data.plan = { description: describePlan(plan.plan), family: plan.family, workers: plan.plan.workers, batchPerWorker: plan.plan.batchPerWorker, placement: placement(model, plan) };
    const K = plan.plan.workers;
    const r = simulate(model, hw, plan, { keepTimeline: true, fast: K > MAX_CURVE_WORKERS });
    if (r.feasible) {
      data.summary = {
        stepTimeSeconds: r.stepTimeSeconds, samplesPerSecond: r.samplesPerSecond, speedup: r.speedup, efficiency: r.efficiency, bytesPerStep: r.bytesPerStep,
        ...(r.cost ? { dollarsPerEpoch: r.cost.dollarsPerEpoch } : {}), ...(r.band ? { band: r.band } : {}),
      };
      if (r.timeline) {
        data.timeline = timelineSection(r.timeline.graph, r.timeline.timeline, r.timeline.workers, topologyOf(hw, K), K);
        r.timeline.graph.dispose();
      }
    }
    const tune = input.tune;
    const compared: Compared[] = tune
      ? [{ name: `chosen: ${label(plan)}`, plan }, ...Object.entries(tune.families).filter(([f]) => f !== plan.family).map(([, s]) => {
        const p = resolved(model, s.plan);
        return { name: `best ${label(p)}`, plan: p, why: s.why };
      })]
      : comparedWithStrategies(model, hw, plan);
    const results = compared.map((c) => ({ ...c, result: c.plan === plan ? r : simulate(model, hw, c.plan) }));
    data.plans = results.map((c) => figures(c.name, c.plan, c.result, c.plan === plan));
    if (tune && r.feasible) {
      const chosen = { family: plan.family, description: describePlan(plan.plan), ...score(hw, r) };
      data.frontier = frontierSection(hw, tune, chosen, results.map((c) => ({ family: c.plan.family, plan: c.plan, result: c.result, why: c.why })));
    }
  }

  const batch = plan?.plan.batchPerWorker ?? 128;
  const workers = plan?.plan.workers ?? Math.min(8, hw.workers);
  if (input.sweep) {
    data.sweep = curves(input.sweep.points, input.sweep.axis, hw, input.sweep.workers);
    if (input.sweep.axis === 'workers') return data;
  }
  const counts: number[] = [];
  for (let k = 1; k <= Math.min(hw.workers, MAX_CURVE_WORKERS); k *= 2) counts.push(k);
  if (!counts.includes(workers) && workers <= hw.workers) counts.push(workers);
  counts.sort((a, b) => a - b);
  data.scaling = curves(sweep(model, hw, 'workers', counts, STRATEGIES, { workers, batchPerWorker: batch }), 'workers', hw);
  if (!input.sweep) {
    const values = [...new Set([...DENSITIES, density(hw)])].sort((a, b) => a - b);
    data.sweep = curves(sweep(model, hw, 'density', values, STRATEGIES, { workers, batchPerWorker: batch }), 'density', hw, workers);
  }
  return data;
}
