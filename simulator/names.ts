// Names that become parts of S3 keys or file paths: a model's or hardware's name (tune writes
// plans/<model>--<hardware>--<objective>.json), a run id (runs/<id>/…), a bucket, a store prefix.
// They are checked where they enter, so that no name can climb out of the directory or prefix it is
// joined into ("../../tmp/x"), address a different root ("/etc"), or smuggle a control character
// into a key. One rule per kind of name, each returning the problem in words (or null).

/** Longest single name: S3 keys are at most 1,024 bytes and several names share one key. */
export const MAX_NAME_LENGTH = 128;

// Control characters (C0, DEL, C1): invisible in messages and rejected or mangled by some stores.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * A name that is one path segment: not empty, no "/" or "\\", not "." or "..", no leading dot
 * (hidden files, and s3rver's own metadata), no control characters, at most MAX_NAME_LENGTH long.
 */
export function segmentProblem(name: string): string | null {
  if (typeof name !== 'string' || name.length === 0) return 'must be a non-empty name';
  if (name.length > MAX_NAME_LENGTH) return `must be at most ${MAX_NAME_LENGTH} characters long`;
  if (/[/\\]/.test(name)) return `must not contain "/" or "\\" (it becomes part of a path), got ${JSON.stringify(name)}`;
  if (name.startsWith('.')) return `must not start with "." (it becomes part of a path), got ${JSON.stringify(name)}`;
  if (CONTROL.test(name)) return `must not contain control characters, got ${JSON.stringify(name)}`;
  return null;
}

/** A run id: letters, digits, "-" and "_" (what newRunId makes, and what a job runner would pass). */
export function runIdProblem(id: string): string | null {
  if (typeof id !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/.test(id)) return `must be 1–128 letters, digits, "-" or "_" starting with a letter or digit, got ${JSON.stringify(id)}`;
  return null;
}

/**
 * An S3 bucket name, by Amazon's rules ("Bucket naming rules", S3 User Guide): 3–63 lowercase
 * letters, digits, "." and "-", starting and ending with a letter or digit, no "..", not an IP address.
 */
export function bucketProblem(bucket: string): string | null {
  const ok = typeof bucket === 'string' && /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) && !bucket.includes('..') && !/^\d+\.\d+\.\d+\.\d+$/.test(bucket);
  return ok ? null : `must be a bucket name: 3–63 lowercase letters, digits, "." and "-", starting and ending with a letter or digit, got ${JSON.stringify(bucket)}`;
}

/** A key prefix (s3://bucket/<prefix>): "/"-separated segments, each a segmentProblem-free name; empty is the bucket's root. */
export function prefixProblem(prefix: string): string | null {
  if (prefix === '') return null;
  if (prefix.length > 512) return 'must be at most 512 characters long';
  const segments = prefix.replace(/\/$/, '').split('/');
  for (const s of segments) {
    if (s === '') return `must not contain empty segments ("//" or a leading "/"), got ${JSON.stringify(prefix)}`;
    const p = segmentProblem(s);
    if (p) return `segment ${JSON.stringify(s)} ${p.replace(/, got .*$/, '')}`;
  }
  return null;
}
