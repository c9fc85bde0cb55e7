// The retry policy: throttling and network errors are retried with backoff for a bounded time, then
// reported once, naming the endpoint and the operation; other errors are reported at once.
import { describeError, retryable, withRetry } from '../../../runtime/s3/client';
import { S3Failure, S3Unreachable } from '../../../runtime/s3/errors';

const slowDown = () => Object.assign(new Error('Please reduce your request rate.'), { name: 'SlowDown', $metadata: { httpStatusCode: 503 } });
const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
const denied = () => Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
const fast = { firstDelaySeconds: 0.001, maxDelaySeconds: 0.01 };

test('throttling (503 SlowDown, 429, 500) and network errors are retryable; refusals are not', () => {
  expect(retryable(slowDown())).toBe('throttled');
  expect(retryable({ $metadata: { httpStatusCode: 429 } })).toBe('throttled');
  expect(retryable({ name: 'InternalError', $metadata: { httpStatusCode: 500 } })).toBe('throttled');
  expect(retryable(refused())).toBe('network');
  expect(retryable({ code: 'ECONNRESET' })).toBe('network');
  expect(retryable({ name: 'TimeoutError' })).toBe('network');
  expect(retryable(new Error('socket hang up'))).toBe('network');
  expect(retryable(denied())).toBeNull();
  expect(retryable({ name: 'NoSuchBucket', $metadata: { httpStatusCode: 404 } })).toBeNull();
});

test('a store that throttles for a while is ridden out', async () => {
  let calls = 0;
  const retries: string[] = [];
  const v = await withRetry('http://s3.test', 'PUT a', async () => {
    if (++calls < 4) throw calls % 2 ? slowDown() : refused();
    return 'ok';
  }, fast, { onRetry: (_n, why) => retries.push(why) });
  expect(v).toBe('ok');
  expect(retries).toEqual(['throttled', 'network', 'throttled']);
});

test('a store that stays unreachable gives one error naming endpoint, attempts, time and operation', async () => {
  let calls = 0;
  const e = await withRetry('http://127.0.0.1:9', 'GET runs/r1/s0/g/0-1', async () => {
    calls++;
    throw refused();
  }, { ...fast, totalSeconds: 0.2 }).catch((x: Error) => x);
  expect(e).toBeInstanceOf(S3Unreachable);
  expect(e.message).toMatch(/^S3 endpoint http:\/\/127\.0\.0\.1:9 unreachable after \d+ attempts over 0\.\d s \(GET runs\/r1\/s0\/g\/0-1\): connect ECONNREFUSED 127\.0\.0\.1:9$/);
  expect((e as S3Unreachable).attempts).toBe(calls);
  expect(calls).toBeGreaterThan(2);
});

test('a store that keeps throttling says so', async () => {
  const e = await withRetry('http://s3.test', 'PUT x', async () => { throw slowDown(); }, { ...fast, totalSeconds: 0.05 }).catch((x: Error) => x);
  expect(e.message).toMatch(/^S3 endpoint http:\/\/s3\.test still throttling after \d+ attempts .*\(PUT x\): SlowDown: Please reduce your request rate\. \(HTTP 503\)$/);
});

test('a refusal is reported at once, naming endpoint and operation', async () => {
  let calls = 0;
  const e = await withRetry('http://s3.test', 'PUT k', async () => {
    calls++;
    throw denied();
  }).catch((x: Error) => x);
  expect(calls).toBe(1);
  expect(e).toBeInstanceOf(S3Failure);
  expect(e.message).toBe('S3 endpoint http://s3.test: PUT k failed: access denied (HTTP 403, AccessDenied) to the credentials used');
});

test('errors wrapped by the SDK read like the original', () => {
  expect(describeError(new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:1'))).toBe('connect ECONNREFUSED 127.0.0.1:1');
});
