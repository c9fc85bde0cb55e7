// Registers every layer kind (one family per file) and re-exports the lookup.
import './conv';
import './pool';
import './dense';
import './elementwise';
import './merge';
export { layerKind, elements, channels } from './kind';
export type { Shape, LayerCostParts, LayerKind } from './kind';
