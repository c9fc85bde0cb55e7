// Object stores for the runtime: the embedded S3 server, clients with one retry policy, sealed objects.
export { startEmbeddedS3, EMBEDDED_DEFAULTS } from './server';
export type { EmbeddedS3, EmbeddedOptions } from './server';
export { s3Client, withRetry, ensureBucket, endpointOf, retryable } from './client';
export type { S3Config, RetryPolicy } from './client';
export { S3Unreachable, S3Failure, S3Stalled } from './errors';
export { emptyCounts, S3_DEFAULTS } from './object-store';
export type { ObjectStore, RequestCounts } from './object-store';
export { S3ObjectStore } from './s3-objects';
export { seal, unseal, publish, awaitObject } from './sealed';
