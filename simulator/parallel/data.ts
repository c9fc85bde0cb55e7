// Data parallelism across replicas: each stage's gradients are all-reduced among the replicas that
// hold the same stage and tensor rank (all tensor groups at once, one per GPU's own network port),
// after backprop as Megatron-LM (2021) does — or, with ZeRO, reduce-scattered and the updated
// weights all-gathered; ZeRO-2 and 3 reduce-scatter each layer's gradient as backprop produces it
// and ZeRO-3 all-gathers each layer's weights before its forward and its backward, prefetched on
// the communication stream while the previous layer computes (DeepSpeed's and FSDP's overlap).
import { collectiveSeconds } from './closed-form';
import type { Topology } from '../topology/topology';
import { dataGroup, Layout } from './layout';
import type { Traffic } from './traffic';

/** Seconds of the gradient synchronisation of `bytes` of gradients per rank, with `sync` the plan's all-reduce. */
export function gradientSync(layout: Layout, topo: Topology, bytes: number, sync: string, stage: number, traffic: Traffic): number {
  if (layout.data === 1 || bytes === 0) return 0;
  const ranks = dataGroup(layout, stage);
  const name = layout.zero === 0 ? sync : 'reduce-scatter';
  // Every tensor rank of the stage synchronises with its own replicas at once.
  traffic.collective(name, topo, ranks, bytes, layout.tensor);
  return collectiveSeconds(name, topo, ranks, bytes);
}

/** Seconds to all-gather the updated 16-bit weights after a sharded optimizer step (ZeRO ≥ 1). */
export function weightGather(layout: Layout, topo: Topology, bytes: number, stage: number, traffic: Traffic): number {
  if (layout.data === 1 || layout.zero === 0 || bytes === 0) return 0;
  traffic.collective('all-gather', topo, dataGroup(layout, stage), bytes, layout.tensor);
  return collectiveSeconds('all-gather', topo, dataGroup(layout, stage), bytes);
}
