// Tensor parallelism (Shoeybi et al. 2019; sequence parallelism: Korthikanti et al. 2022): each
// layer divided among the tensor ranks as its `split` says. Costs: the all-reduces its split
// states, forward and backward (with sequence parallelism a reduce-scatter and an all-gather
// each), blocking as Megatron-LM runs them; memory: divided parameters and stashed activations.
import { collectiveSeconds } from './closed-form';
import type { LayerInfo } from '../model/analyze';
import type { Topology } from '../topology/topology';
import { Layout, tensorGroup } from './layout';
import { collectiveTraffic } from '../collectives/traffic';

export interface TensorComm {
  forward: number;
  backward: number;
  /** Bytes one tensor group's ranks send (= receive) in those collectives, forward and backward. */
  forwardBytes: number;
  backwardBytes: number;
}

/** Seconds of the collectives one tensor group runs for layer `l` over `samples` samples, forward and backward. */
export function tensorComm(l: LayerInfo, samples: number, layout: Layout, topo: Topology, valueBytes: number): TensorComm {
  if (layout.tensor === 1) return { forward: 0, backward: 0, forwardBytes: 0, backwardBytes: 0 };
  const ranks = tensorGroup(layout);
  const names = layout.sequenceParallel ? ['reduce-scatter', 'all-gather'] : ['ring-allreduce'];
  const bytesOf = (values: number) => values * samples * valueBytes;
  const time = (values: number) => (values === 0 ? 0 : names.reduce((a, n) => a + collectiveSeconds(n, topo, ranks, bytesOf(values)), 0));
  const sent = (values: number) => names.reduce((a, n) => a + collectiveTraffic(n, topo, ranks, bytesOf(values)).sent, 0);
  // A sharded output (a weird-trick dense layer) is all-gathered before a layer that needs it whole.
  const gather = l.split.output === 'sharded' && l.type !== 'lmHead' ? l.outputShape.reduce((a, b) => a * b, 1) : 0;
  return {
    forward: time(l.split.forwardReduce) + time(gather), backward: time(l.split.backwardReduce) + time(gather),
    forwardBytes: sent(l.split.forwardReduce) + sent(gather), backwardBytes: sent(l.split.backwardReduce) + sent(gather),
  };
}

/** Parameters one tensor rank holds of layer `l`. */
export const tensorParameters = (l: LayerInfo, t: number): number => l.split.splitParameters / t + (l.parameters - l.split.splitParameters);

/** Activation bytes per sample one tensor rank keeps of layer `l` (Korthikanti et al. 2022 eq. 2 and, with sequence parallelism, eq. 4). */
export function tensorStashBytes(l: LayerInfo, layout: Layout, valueBytes: number, dropCore: boolean): number {
  const s = l.stash;
  const t = layout.tensor;
  const whole = layout.sequenceParallel ? t : 1;
  const split = (s.splitValues - (dropCore ? s.coreValues : 0)) * valueBytes + s.splitBytes - (dropCore ? s.coreBytes : 0);
  return split / t + (s.wholeValues * valueBytes + s.wholeBytes) / whole;
}
