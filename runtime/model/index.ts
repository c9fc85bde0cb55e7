// The runtime's model: parts of a network built from the simulator's AnalyzedModel, the tape that
// back-propagates across segment boundaries, the loss, the optimiser and the synthetic data.
export { Part, headOf, initialValue } from './network';
export type { Head, PartParam } from './network';
export { record } from './tape';
export type { Recorded } from './tape';
export { registerGradients, avoidKernels } from './gradients';
export { softmaxCrossEntropy } from './loss';
export { Sgd, SGD_DEFAULTS, Adam, ADAM_DEFAULTS, makeOptimizer } from './optimizer';
export type { Optimizer, OptimizerSpec } from './optimizer';
export { syntheticBatch, syntheticLabels } from './data';
export { unitRange, unitRanges, sliceAlong, placeAlong } from './slice';
export type { UnitRange } from './slice';
