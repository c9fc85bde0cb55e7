// The Store interface: where long-lived results go — tune results, traces, validate reports — as
// named text documents under one root, a directory or an S3 prefix (`--store DIR`,
// `--store s3://bucket/prefix`). A write is atomic: a reader sees the whole document or none of it
// (a file is written beside its name and renamed over it; an S3 PUT is atomic by itself).
export interface Store {
  /** The root as the user named it (a directory, or s3://bucket/prefix), for messages. */
  readonly where: string;
  /** Writes `text` under `name` (a relative path with / separators), replacing what was there. */
  write(name: string, text: string): Promise<void>;
  /** The document under `name`, or undefined when there is none. */
  read(name: string): Promise<string | undefined>;
  /** Names of every document whose name starts with `prefix`. */
  list(prefix: string): Promise<string[]>;
  /** Releases connections (optional). */
  close?(): void;
}
