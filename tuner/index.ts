// The tuner's public surface.
export { tune, planKey } from './tune';
export type { TuneOptions, TuneResult, Scored } from './tune';
export { explain } from './explain';
export { candidates, TUNER_DEFAULTS, MAX_ASYMMETRIC_WORKERS } from './space';
export type { Family, SpaceOptions } from './space';
export { InlineEvaluator, PoolEvaluator } from './evaluator';
export { FileResults, MemoryResults, StoreResults, inputsDigest } from './results';
export type { ResultsLog, DocumentStore } from './results';
export { costUnit } from './objective';
