// The tuner's append-only results log: one JSON line per scored plan, written as it is scored,
// so an interrupted tune keeps everything it paid for and a rerun with the same inputs resumes.
// A line cut short by a crash is ignored (and rewritten when that plan is scored again).
// StoreResults keeps the same log in a document store instead (`--store DIR|s3://bucket/prefix`):
// one document per scored plan, written atomically, listed and read back on resume.
import { SIMULATOR_VERSION } from '../simulator/version';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { SimulationResult } from '../simulator/simulate';

export interface ResultsLog {
  get(key: string): SimulationResult | undefined;
  put(key: string, result: SimulationResult): void;
  readonly size: number;
  readonly file?: string;
  /** Where the log is kept, for messages (a file, a directory, s3://bucket/prefix). */
  readonly where?: string;
  /** Resolves once every put is stored (a log that writes asynchronously); rejects if one failed. */
  flush?(): Promise<void>;
}

export class MemoryResults implements ResultsLog {
  protected map = new Map<string, SimulationResult>();
  get(key: string) {
    return this.map.get(key);
  }
  put(key: string, r: SimulationResult) {
    this.map.set(key, r);
  }
  get size() {
    return this.map.size;
  }
}

export class FileResults extends MemoryResults {
  readonly where: string;
  constructor(public readonly file: string) {
    super();
    this.where = file;
    if (!existsSync(file)) return;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        const { key, result } = JSON.parse(line) as { key: string; result: SimulationResult };
        this.map.set(key, result);
      } catch {
        // A partial last line from an interrupted write: that plan is simply scored again.
      }
    }
  }
  override put(key: string, r: SimulationResult) {
    super.put(key, r);
    // One write call per line: a crash can cut the last line short, never interleave two.
    appendFileSync(this.file, JSON.stringify({ key, result: r }) + '\n');
  }
}

/**
 * Documents by name: what StoreResults needs of a store. runtime/store's DirStore and S3Store fit it
 * as they are (the tuner imports nothing from the runtime; the CLI hands one over).
 */
export interface DocumentStore {
  readonly where: string;
  write(name: string, text: string): Promise<void>;
  read(name: string): Promise<string | undefined>;
  list(prefix: string): Promise<string[]>;
}

/** How many documents StoreResults reads or writes at once (S3 requests overlap well; a store's limits are in the thousands per second). */
const STORE_CONCURRENCY = 16;

/** Runs `f` over `items`, at most `limit` at a time. */
async function eachLimited<T>(items: T[], limit: number, f: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await f(items[next++]);
  }));
}

export class StoreResults extends MemoryResults {
  readonly where: string;
  private readonly queue: [string, string][] = [];
  private writing: Promise<void> | null = null;
  private failure: Error | null = null;

  private constructor(private readonly store: DocumentStore, private readonly prefix: string) {
    super();
    this.where = `${store.where}${store.where.endsWith('/') ? '' : '/'}${prefix}`;
  }

  /** Opens the log under `prefix`, reading back every result a previous tune stored there. */
  static async open(store: DocumentStore, prefix = 'results/'): Promise<StoreResults> {
    const log = new StoreResults(store, prefix);
    const names = await store.list(prefix);
    await eachLimited(names, STORE_CONCURRENCY, async (name) => {
      const text = await store.read(name);
      try {
        const { key, result } = JSON.parse(text ?? '') as { key: string; result: SimulationResult };
        log.map.set(key, result);
      } catch {
        // Not one of ours, or half an object from a store that is not atomic: scored again.
      }
    });
    return log;
  }

  /** One document per plan, named by a digest of its key. */
  private name(key: string): string {
    return `${this.prefix}${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`;
  }

  override put(key: string, r: SimulationResult) {
    super.put(key, r);
    this.queue.push([this.name(key), JSON.stringify({ key, result: r })]);
    this.writing ??= this.drain();
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0);
      await eachLimited(batch, STORE_CONCURRENCY, async ([name, text]) => {
        await this.store.write(name, text).catch((e: Error) => void (this.failure ??= e));
      });
    }
    this.writing = null;
  }

  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.failure) throw this.failure;
  }
}

/** A digest of everything a score depends on besides the plan: the model and hardware contents, and the simulator's version. */
export function inputsDigest(...docs: unknown[]): string {
  return createHash('sha256').update(JSON.stringify([SIMULATOR_VERSION, ...docs])).digest('hex').slice(0, 16);
}
