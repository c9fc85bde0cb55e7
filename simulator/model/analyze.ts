// Resolves a model's graph (names → edges, cycle check), infers every layer's output shape and
// computes its costs. The result is what the simulator, the tuner and the runtime all read.
import { fail, ok, problem, Problem, Result } from '../errors';
import { parseWith, readJsonFile } from '../validate';
import { columnSplit, Kernels, layerKind, elements, Shape, Stash, TensorSplit, wholeStash } from './layers';
import { Layer, Model } from './schema';
import { minOf } from '../extremes';
import { trainingProblems } from './training';

/** Bytes of one fp32 value; activations, weights and gradients are fp32 unless a plan says `mixed`. */
export const FP32_BYTES = 4;
/** Index used in `LayerInfo.inputs` for the model's own input. */
export const MODEL_INPUT = -1;

export interface LayerInfo {
  index: number;
  name: string;
  type: Layer['type'];
  layer: Layer;
  inputs: number[];
  inputShapes: Shape[];
  outputShape: Shape;
  parameters: number;
  forwardFlops: number;
  backwardInputFlops: number;
  backwardWeightFlops: number;
  /** Whether backprop must produce this layer's input gradient (false when it reads only the data). */
  needsInputGradient: boolean;
  /** Output activation bytes per sample (fp32). */
  activationBytes: number;
  /** Input activation bytes per sample (fp32), summed over inputs. */
  inputBytes: number;
  weightBytes: number;
  /** Units a model-parallel split divides; always `split.units`. */
  splitUnits: number;
  /** A 3×3 stride-1 convolution, computed with Winograd's transforms where the device says so (LayerCostParts). */
  winograd?: boolean;
  /** How tensor parallelism divides this layer (the runtime splits it the same way). */
  split: TensorSplit;
  /** What backprop keeps of it per sample (Korthikanti et al. 2022). */
  stash: Stash;
  /** Its GPU kernels, where the layer kind states them (transformer layers). */
  kernels?: Kernels;
}

export interface AnalyzedModel {
  model: Model;
  layers: LayerInfo[];
  /** Layer indices in a valid execution order (file order unless `inputs` forces otherwise). */
  order: number[];
  parameters: number;
  forwardFlops: number;
  backwardFlops: number;
  index: Map<string, number>;
}

const INPUT_NAME = 'input';

const index = (model: Model, name: string): number => model.layers.findIndex((l) => l.name === name);

function resolveEdges(model: Model): Result<number[][]> {
  const problems: Problem[] = [];
  const index = new Map<string, number>();
  model.layers.forEach((l, i) => {
    if (index.has(l.name)) problems.push(problem(`layers[${i}].name`, `duplicate layer name "${l.name}" (first at layers[${index.get(l.name)}])`));
    else index.set(l.name, i);
  });
  const edges = model.layers.map((l, i) => {
    if (!l.inputs) return [i === 0 ? MODEL_INPUT : i - 1];
    return l.inputs.map((n, j) => {
      if (n === INPUT_NAME && !index.has(n)) return MODEL_INPUT;
      const k = index.get(n);
      if (k === undefined) problems.push(problem(`layers[${i}].inputs[${j}]`, `no layer named "${n}"`));
      else if (k === i) problems.push(problem(`layers[${i}].inputs[${j}]`, `layer "${n}" cannot take itself as input`));
      return k ?? MODEL_INPUT;
    });
  });
  return problems.length ? { ok: false, problems } : ok(edges);
}

/** Kahn's algorithm, preferring file order, so that a sequential file executes as written. */
function topologicalOrder(model: Model, edges: number[][]): Result<number[]> {
  const n = edges.length;
  const indegree = edges.map((e) => e.filter((k) => k !== MODEL_INPUT).length);
  const consumers: number[][] = Array.from({ length: n }, () => []);
  edges.forEach((e, i) => e.forEach((k) => k !== MODEL_INPUT && consumers[k].push(i)));
  const order: number[] = [];
  const ready = new Set<number>();
  indegree.forEach((d, i) => d === 0 && ready.add(i));
  while (ready.size) {
    const i = minOf(ready);
    ready.delete(i);
    order.push(i);
    for (const c of consumers[i]) if (--indegree[c] === 0) ready.add(c);
  }
  if (order.length < n) {
    const stuck = model.layers.map((l, i) => ({ l, i })).filter(({ i }) => indegree[i] > 0);
    return fail(problem(`layers[${stuck[0].i}].inputs`, `cycle among layers ${stuck.map(({ l }) => `"${l.name}"`).join(', ')}`));
  }
  return ok(order);
}

export function analyzeModel(model: Model): Result<AnalyzedModel> {
  const edgesR = resolveEdges(model);
  if (!edgesR.ok) return edgesR;
  const edges = edgesR.value;
  const orderR = topologicalOrder(model, edges);
  if (!orderR.ok) return orderR;
  const order = orderR.value;

  const problems: Problem[] = [];
  const shapes: (Shape | undefined)[] = Array(model.layers.length).fill(undefined);
  const infos: LayerInfo[] = Array(model.layers.length);
  for (const i of order) {
    const layer = model.layers[i];
    const inputShapes = edges[i].map((k) => (k === MODEL_INPUT ? model.input : shapes[k]));
    if (inputShapes.some((s) => s === undefined)) continue; // an upstream layer already failed
    const kind = layerKind(layer.type);
    const out = kind.outputShape(layer as never, inputShapes as Shape[]);
    if (!Array.isArray(out)) {
      const o = out as { field: string; message: string };
      problems.push(problem(`layers[${i}].${o.field}`, `${o.message} (layer "${layer.name}")`));
      continue;
    }
    shapes[i] = out;
    const c = kind.cost(layer as never, inputShapes as Shape[], out);
    const split = kind.split ? kind.split(layer as never, inputShapes as Shape[], out, c) : columnSplit(c.splitUnits, c.parameters);
    const stash = kind.stash ? kind.stash(layer as never, inputShapes as Shape[], out) : wholeStash(elements(out));
    infos[i] = {
      index: i, name: layer.name, type: layer.type, layer, inputs: edges[i], inputShapes: inputShapes as Shape[],
      outputShape: out, ...c, splitUnits: split.units, split, stash,
      ...(kind.kernels ? { kernels: kind.kernels(layer as never, inputShapes as Shape[], out) } : {}),
      needsInputGradient: edges[i].some((k) => k !== MODEL_INPUT),
      activationBytes: elements(out) * FP32_BYTES,
      inputBytes: (inputShapes as Shape[]).reduce((a, s) => a + elements(s) * FP32_BYTES, 0),
      weightBytes: c.parameters * FP32_BYTES,
    };
  }
  if (problems.length) return { ok: false, problems };
  model.layers.forEach((layer, i) => {
    for (const ref of layerKind(layer.type).references?.(layer as never) ?? []) {
      const target = model.layers[index(model, ref.name)];
      const at = `layers[${i}].${ref.field}`;
      if (!target) problems.push(problem(at, `no layer named "${ref.name}"`));
      else if (target.type !== ref.type) problems.push(problem(at, `"${ref.name}" is a ${target.type}, not a ${ref.type}`));
      else for (const [k, v] of Object.entries(ref.sameAs))
        if ((target as Record<string, unknown>)[k] !== v) problems.push(problem(at, `"${ref.name}" has ${k} ${(target as Record<string, unknown>)[k]}, this layer ${v}`));
    }
  });
  if (problems.length) return { ok: false, problems };
  // Every layer but the last must feed something: a dangling branch is almost always a typo in `inputs`.
  const used = new Set(edges.flat());
  model.layers.forEach((l, i) => {
    if (i < model.layers.length - 1 && !used.has(i)) problems.push(problem(`layers[${i}]`, `output of "${l.name}" is never used (only the last layer may be the model's output)`));
  });
  if (problems.length) return { ok: false, problems };

  const sum = (f: (l: LayerInfo) => number) => infos.reduce((a, l) => a + f(l), 0);
  return ok({
    model, layers: infos, order,
    parameters: sum((l) => l.parameters),
    forwardFlops: sum((l) => l.forwardFlops),
    backwardFlops: sum((l) => (l.needsInputGradient ? l.backwardInputFlops : 0) + l.backwardWeightFlops),
    index: new Map(model.layers.map((l, i) => [l.name, i])),
  });
}

export function parseModel(data: unknown): Result<AnalyzedModel> {
  const m = parseWith(Model, data);
  if (!m.ok) return m;
  const training = trainingProblems(m.value.training, m.value.classes);
  return training.length ? { ok: false, problems: training } : analyzeModel(m.value);
}

export function loadModel(file: string): Result<AnalyzedModel> {
  const d = readJsonFile(file);
  return d.ok ? parseModel(d.value) : d;
}
