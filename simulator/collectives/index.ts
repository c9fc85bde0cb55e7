// Registers every collective algorithm; `collective(name)` looks one up.
import './ring';
import './tree';
import './parameter-server';
import './hierarchical';
import './grouped-parameter-server';
import './broadcast';
import './s3';
export { collective, patternCost, roundTime } from './collective';
export type { Collective, CollectiveOptions } from './collective';
