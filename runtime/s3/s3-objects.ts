// S3ObjectStore: the ObjectStore (object-store.ts) of any S3 API endpoint, every request through
// the retry policy of client.ts and counted. The transport, the store collectives, worker processes
// and calibration all go through it.
import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { credentialsUsed, endpointOf, ensureBucket, RetryPolicy, s3Client, S3Config, withRetry } from './client';
import { emptyCounts, ObjectStore, RequestCounts } from './object-store';

/**
 * User metadata every put carries: the object's length. S3 shows an object only once it is whole;
 * a store that does not (s3rver as published serves a file while it grows) may answer with headers
 * that disagree with this one: the GET stops at the headers instead of fetching bytes to discard.
 */
const LENGTH_META = 'trainplan-bytes';

/** DeleteObjects takes at most this many keys (S3 API reference). */
const DELETE_BATCH = 1000;

export class S3ObjectStore implements ObjectStore {
  readonly endpoint: string;
  readonly where: string;
  private readonly client: S3Client;
  private readonly c = emptyCounts();
  private readonly retry: Partial<RetryPolicy>;
  private readonly credentials: string;

  constructor(readonly config: S3Config) {
    this.client = s3Client(config);
    this.endpoint = endpointOf(config);
    this.where = `${this.endpoint}/${config.bucket}`;
    this.retry = config.retry ?? {};
    this.credentials = credentialsUsed(config);
  }

  private async request<T>(op: string, f: () => Promise<T>): Promise<T> {
    await ensureBucket(this.client, this.config);
    const t0 = performance.now();
    try {
      return await withRetry(this.endpoint, op, f, this.retry, { onRetry: () => this.c.retries++, credentials: this.credentials });
    } finally {
      this.c.requestSeconds += (performance.now() - t0) / 1000;
    }
  }

  async put(key: string, body: Uint8Array): Promise<void> {
    const Metadata = { [LENGTH_META]: String(body.byteLength) };
    await this.request(`PUT ${key}`, () => this.client.send(new PutObjectCommand({ Bucket: this.config.bucket, Key: key, Body: body, ContentLength: body.byteLength, Metadata })));
    this.c.puts++;
    this.c.bytesPut += body.byteLength;
  }

  async get(key: string): Promise<Uint8Array | null> {
    const body = await this.request(`GET ${key}`, async (): Promise<Uint8Array | 'missing' | 'partial'> => {
      try {
        const r = await this.client.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: key }));
        const length = r.Metadata?.[LENGTH_META];
        if (length === undefined || Number(length) === r.ContentLength) return await readAll(r.Body as Readable, r.ContentLength);
        (r.Body as Readable).destroy();
        return 'partial';
      } catch (e) {
        if ((e as { name?: string }).name === 'NoSuchKey' || (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return 'missing';
        throw e;
      }
    });
    if (body === 'missing') this.c.misses++;
    else if (body === 'partial') this.c.partials++;
    else {
      this.c.gets++;
      this.c.bytesGot += body.byteLength;
      return body;
    }
    return null;
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const r = await this.request(`LIST ${prefix}`, () => this.client.send(new ListObjectsV2Command({ Bucket: this.config.bucket, Prefix: prefix, ContinuationToken: token })));
      this.c.lists++;
      for (const o of r.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  async delete(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const batch = keys.slice(i, i + DELETE_BATCH);
      const r = await this.request(`DELETE ${batch.length} objects under ${commonPrefix(batch)}`, () =>
        this.client.send(new DeleteObjectsCommand({ Bucket: this.config.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } })));
      this.c.deletes++;
      if (r.Errors?.length) throw new Error(`S3 endpoint ${this.endpoint}: could not delete ${r.Errors.length} objects (${r.Errors[0].Key}: ${r.Errors[0].Code})`);
    }
  }

  counts(): RequestCounts {
    return { ...this.c };
  }

  /** Closes the client's sockets. */
  destroy(): void {
    this.client.destroy();
  }
}

/** The body of a response, in one buffer of its own at offset 0 (so it can be viewed as floats). */
async function readAll(body: Readable, length?: number): Promise<Uint8Array> {
  if (length !== undefined) {
    const out = new Uint8Array(new ArrayBuffer(length));
    let off = 0;
    for await (const chunk of body as AsyncIterable<Uint8Array>) {
      if (off + chunk.byteLength > length) throw Object.assign(new Error('response longer than its Content-Length'), { code: 'ECONNRESET' });
      out.set(chunk, off);
      off += chunk.byteLength;
    }
    // A connection cut mid-body: a network error (retried).
    if (off !== length) throw Object.assign(new Error(`response cut short (${off} of ${length} bytes)`), { code: 'ECONNRESET' });
    return out;
  }
  const chunks: Uint8Array[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(chunk);
  const out = new Uint8Array(new ArrayBuffer(chunks.reduce((a, c) => a + c.byteLength, 0)));
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.byteLength;
  }
  return out;
}

function commonPrefix(keys: string[]): string {
  if (keys.length === 0) return '';
  let p = keys[0];
  for (const k of keys) while (!k.startsWith(p)) p = p.slice(0, -1);
  return p || '/';
}

