// Registers every runtime layer implementation (one family per file) and re-exports the lookup.
import './conv';
import './pool';
import './dense';
import './elementwise';
import './merge';
import './transformer';
export { layerImpl, channelsOf } from './kind';
export type { LayerImpl, ParamSpec, ForwardContext } from './kind';
