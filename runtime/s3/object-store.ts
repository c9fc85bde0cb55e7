// An object store as the runtime needs it: put, get (null when absent), list and delete by key, each
// request counted. S3ObjectStore (s3-objects.ts) is the implementation; this file holds what its users
// need without loading the AWS SDK (~90 ms), so that threads of runs on other transports never do.

export interface RequestCounts {
  puts: number;
  /** GETs that found their object. */
  gets: number;
  /** GETs that found nothing yet (404): the polls of a waiting reader. */
  misses: number;
  /** GETs that found an object still being written (a store whose writes are not atomic, like s3rver's): polls too. */
  partials: number;
  lists: number;
  deletes: number;
  retries: number;
  bytesPut: number;
  bytesGot: number;
  /** Seconds spent in requests (overlapping requests count each). */
  requestSeconds: number;
}

export const emptyCounts = (): RequestCounts => ({ puts: 0, gets: 0, misses: 0, partials: 0, lists: 0, deletes: 0, retries: 0, bytesPut: 0, bytesGot: 0, requestSeconds: 0 });

export interface ObjectStore {
  /** Endpoint and bucket, for messages. */
  readonly where: string;
  readonly endpoint: string;
  put(key: string, body: Uint8Array): Promise<void>;
  /**
   * The object's bytes (a fresh buffer at offset 0), or null when there is no such object — or, for
   * an object this store put, while it is still being written.
   */
  get(key: string): Promise<Uint8Array | null>;
  /** Every key under the prefix. */
  list(prefix: string): Promise<string[]>;
  delete(keys: string[]): Promise<void>;
  counts(): RequestCounts;
  /** Closes its connections (optional). */
  destroy?(): void;
}

/** Defaults of the S3 clients (client.ts). */
export const S3_DEFAULTS = {
  bucket: 'trainplan',
  region: 'us-east-1',
  /** s3rver accepts any signature made with these (its documented default keys). */
  embeddedCredentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  /** 30 s rides out a store restart or a throttling burst; a store down longer than that is down. */
  retry: { totalSeconds: 30, firstDelaySeconds: 0.05, maxDelaySeconds: 2 },
  /** A connection that cannot be opened in this long counts as a network error (and is retried). */
  connectionTimeoutSeconds: 5,
  /** A request whose socket stays silent this long counts as a network error (and is retried). */
  requestTimeoutSeconds: 60,
};

export const sleep = (seconds: number): Promise<void> => new Promise((r) => setTimeout(r, seconds * 1000));

/** Endpoints on this machine. */
export const LOOPBACK = /^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?\/?$/i;
