// The plan file format (DESIGN.md "Plan"): what the tuner writes and the runtime executes.
import { z } from 'zod';
import { posInt } from '../model/schema';

const layerRange = z.tuple([z.string().min(1), z.string().min(1)], { error: 'must be [firstLayer, lastLayer]' });

export const SYNCS = ['ring-allreduce', 'tree-allreduce', 'hierarchical-allreduce', 'parameter-server', 'async-parameter-server', 's3-allreduce', 's3-scatter-reduce'] as const;
export const EXCHANGES = ['all-gather', 'round-robin', 'chunked'] as const;

export const DataSegment = z.strictObject({
  layers: layerRange,
  parallelism: z.literal('data'),
  sync: z.enum(SYNCS, { error: `must be one of ${SYNCS.join(', ')}` }).optional(),
  /** Start each gradient's synchronisation as soon as backprop produced it (default true). */
  overlap: z.boolean().optional(),
  /** Gradients are grouped into buckets of at least this many bytes before synchronising (0: per layer). */
  bucketBytes: z.number().int().nonnegative().optional(),
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

export const Plan = z.strictObject({
  $schema: z.string().optional(),
  /** A label for tables (e.g. the strategy family); not interpreted. */
  name: z.string().optional(),
  workers: posInt,
  batchPerWorker: posInt,
  precision: z.enum(['fp32', 'mixed']).optional(),
  segments: z.array(Segment).min(1, { error: 'must have at least one segment' }),
});
export type Plan = z.infer<typeof Plan>;
