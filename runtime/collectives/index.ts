// Collective algorithms written once on top of the Transport interface.
export { rankOrderRing, groupRing } from './ring';
export type { Ring } from './ring';
export { ringAllReduce, ringReduceScatter, ringAllGather, ringAllReduceMax, ownedChunk } from './allreduce';
export { allGatherV, reduceScatterV, broadcastSend, broadcastRecv, barrier, others, releaseFloats } from './direct';
export { chunkBounds, addInto } from './chunks';
export { boardOf } from './board';
export type { Board } from './board';
export { s3AllReduce } from './s3-allreduce';
export { s3ScatterReduce } from './s3-scatter-reduce';
export { allReduceBy, RUNTIME_SYNCS } from './sync';
