// Talking to an S3 endpoint: the client from --s3-endpoint, a bucket and the standard AWS
// credentials, and the one retry policy every request goes through — exponential backoff with
// jitter on throttling and network errors, for a bounded time, then one clear error naming the
// endpoint and the operation. The SDK's own retries are off so that this is the only policy.
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { S3Failure, S3Unreachable } from './errors';
import { LOOPBACK, S3_DEFAULTS, sleep } from './object-store';

/** Where the objects are and how to reach them; plain data, so it crosses threads and processes. */
export interface S3Config {
  /** e.g. http://127.0.0.1:4568; absent: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, then Amazon S3 itself. */
  endpoint?: string;
  bucket: string;
  region?: string;
  /** Default: true with a custom endpoint (s3rver, MinIO, …), false for Amazon S3. */
  forcePathStyle?: boolean;
  /** Default: the SDK's chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profiles, roles); with a custom endpoint and no keys in the environment, s3rver's S3RVER/S3RVER. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  retry?: Partial<RetryPolicy>;
  /** Create the bucket when it is missing (the embedded server's default). */
  createBucket?: boolean;
}

export interface RetryPolicy {
  /** Give up once retrying has taken this long. */
  totalSeconds: number;
  /** Backoff before the first retry; doubles with each one, up to maxDelaySeconds. */
  firstDelaySeconds: number;
  maxDelaySeconds: number;
}


/** The endpoint a config reaches, for messages. */
export function endpointOf(cfg: S3Config): string {
  return resolvedEndpoint(cfg) ?? `https://s3.${regionOf(cfg)}.amazonaws.com`;
}

const resolvedEndpoint = (cfg: S3Config): string | undefined => cfg.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
const regionOf = (cfg: S3Config): string => cfg.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? S3_DEFAULTS.region;

/**
 * Which credentials a config signs with, for messages: never the secret, only where they come
 * from and the access key id (AWS documents key ids as identifiers, not secrets), shortened.
 */
export function credentialsUsed(cfg: S3Config): string {
  const id = (k: string) => `access key id ${k.length > 8 ? `${k.slice(0, 4)}…${k.slice(-4)}` : k}`;
  if (cfg.credentials) return `the credentials given for this store (${id(cfg.credentials.accessKeyId)})`;
  const env = process.env;
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) return `AWS_ACCESS_KEY_ID from the environment (${id(env.AWS_ACCESS_KEY_ID)})`;
  if (resolvedEndpoint(cfg) !== undefined) return "s3rver's default keys (S3RVER)";
  return `the AWS SDK's default chain (${env.AWS_PROFILE ? `profile ${env.AWS_PROFILE}` : 'shared config, SSO or an instance role'})`;
}

export function s3Client(cfg: S3Config): S3Client {
  // The SDK warns on every Node < 22 that releases after early 2027 will need it; the lock file pins
  // a release that supports Node 20 (DESIGN.md), so the warning would only clutter stderr.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const endpoint = resolvedEndpoint(cfg);
  const envKeys = !!(process.env.AWS_ACCESS_KEY_ID && process.env.AWS_SECRET_ACCESS_KEY);
  const client = new S3Client({
    endpoint,
    region: regionOf(cfg),
    forcePathStyle: cfg.forcePathStyle ?? endpoint !== undefined,
    credentials: cfg.credentials ?? (endpoint !== undefined && !envKeys ? S3_DEFAULTS.embeddedCredentials : undefined),
    maxAttempts: 1,
    // Checksums only where the API demands one (DeleteObjects): a CRC over every 4 MB gradient
    // costs time the transfer itself does not, and s3rver neither sends nor checks them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: { connectionTimeout: S3_DEFAULTS.connectionTimeoutSeconds * 1000, requestTimeout: S3_DEFAULTS.requestTimeoutSeconds * 1000 },
  });
  // SigV4 hashes a whole body into the signature unless told the payload is unsigned; S3 accepts
  // UNSIGNED-PAYLOAD, as the AWS CLI sends it over HTTPS. Worth it: hashing a 7.6 MB gradient costs
  // 15–20 ms of a 40 ms PUT on loopback. Only where the body cannot be altered on the way: HTTPS
  // (TLS protects it) or loopback.
  if (!endpoint || !/^http:/i.test(endpoint) || LOOPBACK.test(endpoint))
    client.middlewareStack.add((next) => async (args) => {
      const req = args.request as { headers?: Record<string, string> };
      if (req.headers) req.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
      return next(args);
    }, { step: 'build', name: 'trainplanUnsignedPayload' });
  return client;
}

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND', 'EADDRNOTAVAIL']);
const THROTTLE_STATUS = new Set([429, 500, 502, 503, 504]);
const THROTTLE_NAMES = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'RequestTimeout', 'RequestTimeTooSkewed', 'InternalError', 'ServiceUnavailable']);

/** Why an error is worth retrying: 'network' (no answer), 'throttled' (the store said later), or null. */
export function retryable(e: unknown): 'network' | 'throttled' | null {
  const err = e as SdkError;
  const status = err?.$metadata?.httpStatusCode;
  if (status !== undefined && THROTTLE_STATUS.has(status)) return 'throttled';
  if (err?.name && THROTTLE_NAMES.has(err.name)) return 'throttled';
  if (err?.code && NETWORK_CODES.has(err.code)) return 'network';
  if (err?.name === 'TimeoutError' || err?.name === 'RequestTimeout') return 'network';
  if (/socket hang up|ECONNRESET|ECONNREFUSED|timed? ?out/i.test(err?.message ?? '')) return 'network';
  return null;
}

export function describeError(e: unknown): string {
  const err = e as SdkError;
  const status = err?.$metadata?.httpStatusCode;
  // Under some module loaders (jest's) the SDK wraps Node's errors in a message of their own.
  const msg = (err?.message ?? '').replace(/^AWS SDK error wrapper for (Error: )?/, '').replace(/^UnknownError$/, '');
  const what = err?.code ?? (err?.name && err.name !== 'Error' ? err.name : undefined);
  const text = what && !msg.includes(what) ? (msg ? `${what}: ${msg}` : what) : msg || 'unknown error';
  return `${text}${status ? ` (HTTP ${status})` : ''}`;
}

export interface RetryReport {
  /** Called before each retry (for stats and progress). */
  onRetry?: (attempt: number, why: 'network' | 'throttled', error: unknown) => void;
  signal?: AbortSignal;
  /** The credentials the requests sign with (credentialsUsed), named when the store denies access. */
  credentials?: string;
}

/**
 * Runs `f` until it succeeds, retrying throttling and network errors with full-jitter exponential
 * backoff (AWS Architecture Blog, "Exponential Backoff and Jitter", 2015) for at most
 * policy.totalSeconds; then throws S3Unreachable naming the endpoint and `op` (e.g. "PUT runs/…").
 * Any other error is thrown at once as S3Failure, also naming both.
 */
export async function withRetry<T>(endpoint: string, op: string, f: () => Promise<T>, policy: Partial<RetryPolicy> = {}, report: RetryReport = {}): Promise<T> {
  const p = { ...S3_DEFAULTS.retry, ...policy };
  const t0 = performance.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await f();
    } catch (e) {
      if (e instanceof S3Unreachable || e instanceof S3Failure) throw e;
      const why = retryable(e);
      if (!why) {
        const err = e as SdkError;
        const code = err?.code ?? (err?.name && err.name !== 'Error' ? err.name : undefined);
        const denied = err?.$metadata?.httpStatusCode === 403;
        throw new S3Failure(endpoint, op, denied ? `access denied (HTTP 403${code && code !== 'Unknown' ? `, ${code}` : ''}) to ${report.credentials ?? 'the credentials used'}` : describeError(e), e);
      }
      const elapsed = (performance.now() - t0) / 1000;
      const delay = Math.random() * Math.min(p.maxDelaySeconds, p.firstDelaySeconds * 2 ** (attempt - 1));
      if (report.signal?.aborted || elapsed + delay > p.totalSeconds) throw new S3Unreachable(endpoint, op, attempt, elapsed, why, describeError(e));
      report.onRetry?.(attempt, why, e);
      await sleep(delay);
    }
  }
}

const bucketsReady = new Map<string, Promise<void>>();

/** Makes sure the bucket exists (creating it when the config allows), once per process and bucket. */
export function ensureBucket(client: S3Client, cfg: S3Config): Promise<void> {
  const endpoint = endpointOf(cfg);
  const key = `${endpoint}/${cfg.bucket}`;
  let ready = bucketsReady.get(key);
  if (!ready) {
    ready = (async () => {
      try {
        await withRetry(endpoint, `HEAD bucket ${cfg.bucket}`, () => client.send(new HeadBucketCommand({ Bucket: cfg.bucket })), cfg.retry, { credentials: credentialsUsed(cfg) });
      } catch (e) {
        const status = ((e as S3Failure).cause as SdkError | undefined)?.$metadata?.httpStatusCode;
        if (!(e instanceof S3Failure) || status !== 404) throw e;
        if (!cfg.createBucket) throw new S3Failure(endpoint, `HEAD bucket ${cfg.bucket}`, `bucket ${cfg.bucket} does not exist`, e);
        await withRetry(endpoint, `CREATE bucket ${cfg.bucket}`, () => client.send(new CreateBucketCommand({ Bucket: cfg.bucket })), cfg.retry, { credentials: credentialsUsed(cfg) }).catch((err: S3Failure) => {
          // Another worker made it first.
          if (!/BucketAlready(OwnedByYou|Exists)/.test(err.message)) throw err;
        });
      }
    })();
    ready.catch(() => bucketsReady.delete(key));
    bucketsReady.set(key, ready);
  }
  return ready;
}
