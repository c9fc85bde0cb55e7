// What goes wrong with an object store, as errors whose message alone tells the user what happened:
// which endpoint, which operation, and (when it stayed unreachable) for how long it was tried.
export class S3Unreachable extends Error {
  constructor(readonly endpoint: string, readonly op: string, readonly attempts: number, readonly seconds: number, readonly why: 'network' | 'throttled', readonly last: string) {
    super(`S3 endpoint ${endpoint} ${why === 'network' ? 'unreachable' : 'still throttling'} after ${attempts} attempts over ${seconds.toFixed(1)} s (${op}): ${last}`);
    this.name = 'S3Unreachable';
  }
}

/** A request the store refused for good (access denied, no such bucket, a malformed request). */
export class S3Failure extends Error {
  constructor(readonly endpoint: string, readonly op: string, readonly reason: string, override readonly cause?: unknown) {
    super(`S3 endpoint ${endpoint}: ${op} failed: ${reason}`);
    this.name = 'S3Failure';
  }
}

/** A peer's object never appeared: the worker that should have written it is gone or stuck. */
export class S3Stalled extends Error {
  constructor(readonly endpoint: string, readonly key: string, readonly seconds: number) {
    super(`S3 endpoint ${endpoint}: object ${key} did not appear within ${seconds} s (its writer stopped?)`);
    this.name = 'S3Stalled';
  }
}
