// Plans checked against a model: segment ranges resolved to layer indices, the rules that need
// both files (names exist, segments cover the model in order, fcBatch divides the step).
import { fail, ok, problem, Problem, Result } from '../errors';
import type { AnalyzedModel } from '../model/analyze';
import { parseWith, readJsonFile } from '../validate';
import { Plan, Segment } from './schema';
import { layoutProblems } from '../parallel/layout';
import { batchSizes } from './batch';

export interface ResolvedSegment {
  segment: Segment;
  /** Layer indices (file order) from first to last, inclusive. */
  first: number;
  last: number;
  layers: number[];
}

export interface ResolvedPlan {
  plan: Plan;
  segments: ResolvedSegment[];
  /** Samples one step processes: workers × batchPerWorker with a data segment, else batchPerWorker. */
  stepSamples: number;
  family: 'single' | 'data' | 'model' | 'hybrid' | 'pipeline';
}

export function planFamily(plan: Plan): ResolvedPlan['family'] {
  const kinds = new Set(plan.segments.map((s) => s.parallelism));
  if (kinds.has('pipeline')) return 'pipeline';
  if (plan.workers === 1) return 'single';
  if (kinds.has('model') && kinds.has('data')) return 'hybrid';
  return kinds.has('model') ? 'model' : 'data';
}

/**
 * Index ranges shared by every plan of a model that has the same segment: tune holds tens of
 * thousands of candidates, and on a model of thousands of layers a fresh array each held gigabytes.
 * Shared, so never modified (frozen).
 */
const ranges = new WeakMap<AnalyzedModel, Map<number, number[]>>();
function layerRange(model: AnalyzedModel, first: number, last: number): number[] {
  let m = ranges.get(model);
  if (!m) ranges.set(model, (m = new Map()));
  const key = first * (model.layers.length + 1) + last;
  let r = m.get(key);
  if (!r) m.set(key, (r = Object.freeze(Array.from({ length: Math.max(0, last - first + 1) }, (_, k) => first + k)) as number[]));
  return r;
}

export function resolvePlan(plan: Plan, model: AnalyzedModel): Result<ResolvedPlan> {
  const problems: Problem[] = [];
  const n = model.layers.length;
  const segs: ResolvedSegment[] = [];
  let next = 0;
  plan.segments.forEach((s, i) => {
    const [a, b] = s.layers;
    const first = model.index.get(a);
    const last = model.index.get(b);
    if (first === undefined) problems.push(problem(`segments[${i}].layers[0]`, `no layer named "${a}" in model ${model.model.name}`));
    if (last === undefined) problems.push(problem(`segments[${i}].layers[1]`, `no layer named "${b}" in model ${model.model.name}`));
    if (first === undefined || last === undefined) return;
    if (last < first) problems.push(problem(`segments[${i}].layers`, `"${b}" comes before "${a}" in the model`));
    else if (first !== next)
      problems.push(problem(`segments[${i}].layers[0]`, next < n ? `must be "${model.layers[next].name}" (segments cover the model in order, without gaps or overlaps)` : 'the previous segment already reaches the last layer'));
    segs.push({ segment: s, first, last, layers: layerRange(model, first, last) });
    next = last + 1;
  });
  if (!problems.length && next !== n) problems.push(problem(`segments[${plan.segments.length - 1}].layers[1]`, `segments end at "${model.layers[next - 1].name}" but the model continues to "${model.layers[n - 1].name}"`));
  if (problems.length) return { ok: false, problems };

  // What the simulator and runtime can execute: data segments, then model segments; or one pipeline.
  let seenModel = false;
  segs.forEach((r, i) => {
    const p = r.segment.parallelism;
    if (p === 'pipeline' && segs.length > 1) problems.push(problem(`segments[${i}].parallelism`, 'a pipeline segment must cover the whole model'));
    if (p === 'model') seenModel = true;
    if (p === 'data' && seenModel) problems.push(problem(`segments[${i}].parallelism`, 'a data segment cannot follow a model segment'));
    if (p === 'model') {
      for (const li of r.layers) {
        const l = model.layers[li];
        if (l.splitUnits === 0) problems.push(problem(`segments[${i}].layers`, `layer "${l.name}" (${l.type}) cannot be split across workers`));
        if (l.splitUnits > 0 && l.splitUnits < plan.workers) problems.push(problem(`segments[${i}].layers`, `layer "${l.name}" has ${l.splitUnits} units, fewer than ${plan.workers} workers`));
        if (l.inputs.length > 1 || (li > r.first && l.inputs[0] !== li - 1)) problems.push(problem(`segments[${i}].layers`, `layer "${l.name}" branches; model segments must be a chain`));
      }
    }
  });
  problems.push(...layoutProblems(plan, model));
  if (problems.length) return { ok: false, problems };
  const stepSamples = batchSizes(plan).global;
  segs.forEach((r, i) => {
    const s = r.segment;
    if (s.parallelism === 'model' && s.fcBatch !== undefined && stepSamples % s.fcBatch !== 0)
      problems.push(problem(`segments[${i}].fcBatch`, `must divide the samples of a step (${stepSamples})`));
    if (s.parallelism === 'data' && s.parameterServers !== undefined && s.sync !== 'grouped-parameter-server')
      problems.push(problem(`segments[${i}].parameterServers`, `only a grouped-parameter-server has parameter servers (sync is ${s.sync ?? 'ring-allreduce'})`));
    if (s.parallelism === 'model' && s.exchange === 'chunked' && plan.batchPerWorker % plan.workers !== 0)
      problems.push(problem(`segments[${i}].exchange`, `chunked needs batchPerWorker (${plan.batchPerWorker}) divisible by workers (${plan.workers})`));
    if (s.parallelism === 'pipeline') {
      const stages = s.stages ?? plan.workers;
      if (stages > plan.workers) problems.push(problem(`segments[${i}].stages`, `must not exceed workers (${plan.workers})`));
      if (stages > r.layers.length) problems.push(problem(`segments[${i}].stages`, `must not exceed the number of layers (${r.layers.length})`));
      if (s.microBatches !== undefined && plan.batchPerWorker % s.microBatches !== 0)
        problems.push(problem(`segments[${i}].microBatches`, `must divide batchPerWorker (${plan.batchPerWorker})`));
      let prev = r.first;
      s.boundaries?.forEach((b, j) => {
        const k = model.index.get(b);
        if (k === undefined) problems.push(problem(`segments[${i}].boundaries[${j}]`, `no layer named "${b}"`));
        else if (k <= prev || k > r.last) problems.push(problem(`segments[${i}].boundaries[${j}]`, `"${b}" must come after "${model.layers[prev].name}" and inside the segment: stages start at increasing layers`));
        else prev = k;
      });
      if (s.boundaries && s.boundaries.length !== stages - 1) problems.push(problem(`segments[${i}].boundaries`, `must name ${stages - 1} layers (one per stage after the first)`));
    }
  });
  if (problems.length) return { ok: false, problems };
  return ok({ plan, segments: segs, stepSamples, family: planFamily(plan) });
}

export function parsePlan(data: unknown, model: AnalyzedModel): Result<ResolvedPlan> {
  const p = parseWith(Plan, data);
  return p.ok ? resolvePlan(p.value, model) : p;
}

export function loadPlan(file: string, model: AnalyzedModel): Result<ResolvedPlan> {
  const d = readJsonFile(file);
  return d.ok ? parsePlan(d.value, model) : fail(...d.problems);
}
