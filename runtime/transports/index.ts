// Registers every transport kind (one per file) and re-exports the interface.
import './memory';
import './shaped';
import './s3';
export type { Transport, TransportKind, TransportSpec, TransportStats } from './transport';
export { bytesOf, floatsOf, emptyStats } from './transport';
export { registerTransport, transportKind, transportNames } from './registry';
export { MemoryTransport, MEMORY_DEFAULTS } from './memory';
export { ShapedTransport } from './shaped';
export { S3Transport, s3Transport, s3Setup, deleteRun, newRunId, runPrefix, S3_TRANSPORT_DEFAULTS } from './s3';
export type { S3Setup, S3TransportStats } from './s3';
