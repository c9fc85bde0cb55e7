// The tuner's append-only results log: one JSON line per scored plan, written as it is scored,
// so an interrupted tune keeps everything it paid for and a rerun with the same inputs resumes.
// A line cut short by a crash is ignored (and rewritten when that plan is scored again).
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { SimulationResult } from '../simulator/simulate';

export interface ResultsLog {
  get(key: string): SimulationResult | undefined;
  put(key: string, result: SimulationResult): void;
  readonly size: number;
  readonly file?: string;
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
  constructor(public readonly file: string) {
    super();
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

/** A digest of everything a score depends on besides the plan: the model and hardware contents. */
export function inputsDigest(...docs: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(docs)).digest('hex').slice(0, 16);
}
