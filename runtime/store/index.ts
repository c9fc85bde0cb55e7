// Opening a Store from what the user typed: `s3://bucket/prefix` or a directory.
import { problem, UserError } from '../../simulator/errors';
import { DirStore } from './dir';
import { bucketProblem, prefixProblem } from '../../simulator/names';
import { LOOPBACK } from '../s3/object-store';
import type { S3Store as S3StoreType } from './s3';
import type { Store } from './store';

export type { Store } from './store';
export { DirStore } from './dir';
export type { S3Store } from './s3';

export interface StoreOptions {
  /** --s3-endpoint (default: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, then Amazon S3). */
  endpoint?: string;
}


export function openStore(spec: string, o: StoreOptions = {}): Store {
  const m = /^s3:\/\/([^/]*)\/?(.*)$/.exec(spec);
  if (!m) return new DirStore(spec);
  const [, bucket, prefix] = m;
  const bad = [bucketProblem(bucket), prefixProblem(prefix)].filter((p): p is string => p !== null);
  if (bad.length) throw new UserError(bad.map((p) => problem('--store', `${JSON.stringify(spec)}: ${p}`)));
  // A local server (s3rver, MinIO on loopback) gets its bucket made on first use; a remote one must have it.
  // The AWS SDK loads only when a store needs it (~90 ms).
  const { S3Store } = require('./s3') as { S3Store: typeof S3StoreType };
  return new S3Store({ endpoint: o.endpoint, bucket, createBucket: !!o.endpoint && LOOPBACK.test(o.endpoint) }, prefix);
}
