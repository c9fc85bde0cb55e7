// The plan file format (DESIGN.md "Plan"): what the tuner writes and the runtime executes.
import { z } from 'zod';
import { posInt } from '../model/schema';

const layerRange = z.tuple([z.string().min(1), z.string().min(1)], { error: 'must be [firstLayer, lastLayer]' });

export const SYNCS = ['ring-allreduce', 'tree-allreduce', 'hierarchical-allreduce', 'parameter-server', 'grouped-parameter-server', 'async-parameter-server', 's3-allreduce', 's3-scatter-reduce'] as const;
export const EXCHANGES = ['all-gather', 'round-robin', 'chunked'] as const;

export const DataSegment = z.strictObject({
  layers: layerRange,
  parallelism: z.literal('data'),
  sync: z.enum(SYNCS, { error: `must be one of ${SYNCS.join(', ')}` }).optional(),
  /** Start each gradient's synchronisation as soon as backprop produced it (default true). */
  overlap: z.boolean().optional(),
  /** Gradients are grouped into buckets of at least this many bytes before synchronising (0: per layer). */
  bucketBytes: z.number().int().nonnegative().optional(),
  /** grouped-parameter-server: how many parameter servers, on the hosts of groups 0, 1, … round-robin (default one per group). */
  parameterServers: posInt.optional(),
});
export const ModelSegment = z.strictObject({
  layers: layerRange,
  parallelism: z.literal('model'),
  exchange: z.enum(EXCHANGES, { error: `must be one of ${EXCHANGES.join(', ')}` }).optional(),
  /** Samples per weight update of this segment (default: all samples of the step). */
  fcBatch: posInt.optional(),
});
export const PipelineSegment = z.strictObject({
  layers: layerRange,
  parallelism: z.literal('pipeline'),
  /** Number of stages (default: workers); stage boundaries balance FLOPs unless `boundaries` is given. */
  stages: posInt.optional(),
  /** First layer of every stage after the first. */
  boundaries: z.array(z.string()).optional(),
  microBatches: posInt.optional(),
});
export const Segment = z.discriminatedUnion('parallelism', [DataSegment, ModelSegment, PipelineSegment], {
  error: (iss) => (iss.code === 'invalid_union' ? 'parallelism must be one of data, model, pipeline' : undefined),
});
export type Segment = z.infer<typeof Segment>;
export type DataSegment = z.infer<typeof DataSegment>;
export type ModelSegment = z.infer<typeof ModelSegment>;
export type PipelineSegment = z.infer<typeof PipelineSegment>;

// Parallel dimensions that compose (docs/plans.md): workers = data × tensor × pipeline, where the
// data degree is what remains. `mixed` is fp16 mixed precision (the name older plan files use).
export const PRECISIONS = ['fp32', 'mixed', 'fp16', 'bf16', 'fp8'] as const;
export const SCHEDULES = ['gpipe', '1f1b', 'interleaved'] as const;
export const RECOMPUTES = ['none', 'selective', 'full'] as const;
export const OPTIMIZERS = ['sgd-momentum', 'adam'] as const;
const oneOf = <T extends readonly [string, ...string[]]>(xs: T) => z.enum(xs, { error: `must be one of ${xs.join(', ')}` });

export const Plan = z.strictObject({
  $schema: z.string().optional(),
  /** A label for tables (e.g. the strategy family); not interpreted. */
  name: z.string().optional(),
  workers: posInt,
  /** Samples per data-parallel replica per step (per worker when tensor and pipeline are 1). */
  batchPerWorker: posInt,
  precision: oneOf(PRECISIONS).optional(),
  segments: z.array(Segment).min(1, { error: 'must have at least one segment' }),
  /** Tensor-parallel degree (Megatron-LM): ranks splitting every layer as its `split` says. */
  tensor: posInt.optional(),
  /** With tensor > 1: norms, dropouts and adds divided over the sequence; all-reduces become reduce-scatter + all-gather. */
  sequenceParallel: z.boolean().optional(),
  /** Pipeline-parallel degree: stages of contiguous layers. */
  pipeline: posInt.optional(),
  schedule: oneOf(SCHEDULES).optional(),
  /** Interleaved schedule: model chunks per pipeline rank (Narayanan et al. 2021 §2.2). */
  virtualStages: posInt.optional(),
  /** Samples per micro-batch; batchPerWorker / microBatch micro-batches per step (gradient accumulation). */
  microBatch: posInt.optional(),
  /** ZeRO stage (Rajbhandari et al. 2020): 1 shards optimizer state, 2 also gradients, 3 also weights (FSDP). */
  zero: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)], { error: 'must be 0, 1, 2 or 3' }).optional(),
  recompute: oneOf(RECOMPUTES).optional(),
  optimizer: oneOf(OPTIMIZERS).optional(),
});
export type Plan = z.infer<typeof Plan>;
