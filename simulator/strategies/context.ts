// What every strategy lowering reads and writes: the graph under construction, the model,
// the plan, costs, and the per-worker state carried from one step to the next.
import type { TaskGraph } from '../engine/graph';
import type { DeviceCost } from '../cost/compute';
import type { Hardware } from '../hardware/schema';
import type { AnalyzedModel } from '../model/analyze';
import type { ResolvedPlan } from '../plan/resolve';
import type { Topology } from '../topology/topology';

export interface Lowering {
  g: TaskGraph;
  model: AnalyzedModel;
  hw: Hardware;
  plan: ResolvedPlan;
  topo: Topology;
  cost: DeviceCost;
  /** Workers in the plan. */
  K: number;
  /** Workers actually simulated: K, or 1 on the symmetric fast path. */
  simulated: number;
  B: number;
  /** Bytes per activation/gradient value on the wire. */
  valueBytes: number;
  /** weightsReady[w][layer]: the task after which worker w may use that layer's weights (-1: now). */
  weightsReady: number[][];
  /** Async parameter server: the previous step's weight pulls, used one step late (staleness 1). */
  stale: number[][];
  /**
   * Bytes all ranks send per step in collectives costed by their closed form (the symmetric fast
   * path lowers no transfers): what their full lowering would move, by step.
   */
  closedFormBytes: Map<number, number>;
}

export function allRanks(K: number): number[] {
  const r = new Array<number>(K);
  for (let i = 0; i < K; i++) r[i] = i;
  return r;
}
