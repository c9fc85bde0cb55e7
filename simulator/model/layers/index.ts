// Registers every layer kind (one family per file) and re-exports the lookup.
import './conv';
import './pool';
import './dense';
import './elementwise';
import './merge';
import './embedding';
import './norm';
import './attention';
import './mlp';
import './lm-head';
import './cross-entropy';
import './tokens';
export { layerKind, elements, channels, columnSplit, wholeStash, REPLICATED } from './kind';
export type { Shape, LayerCostParts, LayerKind, TensorSplit, Stash, Kernels, Gemm } from './kind';
