// What a report shows, as plain JSON: the collectors fill it from simulations, tune and validate
// results; the page's script draws it. Every section is optional: a report shows what its input has.
import type { Breakdown } from '../simulator/metrics';
import type { MemoryUse } from '../simulator/cost/memory';
import type { ValidateResult } from '../runtime/validate';

/** The spread of a predicted step time: the simulator's own band (simulator/stragglers.ts). */
export type { Band } from '../simulator/stragglers';
import type { Band } from '../simulator/stragglers';

export interface LayerRow {
  name: string;
  type: string;
  parameters: number;
  /** Forward FLOPs per sample. */
  forwardFlops: number;
}

/** How one layer is placed: every worker holds a replica, a 1/K shard, or one stage holds it. */
export type Placement = { kind: 'data'; detail: string } | { kind: 'model'; detail: string } | { kind: 'pipeline'; stage: number; detail: string };

export interface PlanSection {
  description: string;
  family: string;
  workers: number;
  batchPerWorker: number;
  placement: Placement[];
}

export interface Summary {
  stepTimeSeconds: number;
  samplesPerSecond: number;
  speedup: number;
  efficiency: number;
  bytesPerStep: number;
  dollarsPerEpoch?: number;
  band?: Band;
}

/**
 * One step's timeline as columns (one box per task and track): track index, start and end in
 * seconds, category index (into `categories`), label index (into `labels`).
 */
export interface TimelineSection {
  tracks: string[];
  categories: string[];
  labels: string[];
  track: number[];
  start: number[];
  end: number[];
  category: number[];
  label: number[];
  /** The measured step, where the view opens. */
  window: [number, number];
  /** Steps simulated (the timeline shows all of them; the measured one is marked). */
  steps: number;
  /** Workers shown (the simulation may have simulated more). */
  workersShown: number;
  /** Workers simulated: one for a symmetric plan on the fast path, where worker 0 stands for all. */
  workers: number;
  /** Workers of the plan. */
  planWorkers: number;
  /** The same timeline in Chrome trace format, gzipped, base64: opens in ui.perfetto.dev. */
  traceGzipBase64?: string;
}

export interface PlanFigures {
  name: string;
  description: string;
  family: string;
  /** The plan the report is about (the chosen one). */
  chosen: boolean;
  /** Samples one step processes (plans differ: a model-parallel step is one batch, a data-parallel one K). */
  samplesPerStep: number;
  feasible: boolean;
  reason?: string;
  stepTimeSeconds?: number;
  breakdown?: Breakdown;
  memory: MemoryUse;
}

export interface CurvePoint {
  x: number;
  speedup: number;
  efficiency: number;
  stepTimeSeconds: number;
  band?: Band;
}

export interface Curves {
  axis: 'workers' | 'bandwidth' | 'density' | 'batch';
  /** Axis title with its unit. */
  axisLabel: string;
  /** Workers of every point when the axis is not workers (the ideal speedup). */
  workers?: number;
  /** Where this hardware sits on the axis (density, bandwidth). */
  hardwareX?: number;
  strategies: { name: string; points: CurvePoint[]; infeasible: { x: number; reason: string }[] }[];
}

export interface FrontierPoint {
  family: string;
  description: string;
  secondsPerSample: number;
  costPerSample: number;
}

export interface FrontierSection {
  objective: string;
  costUnit: string;
  frontier: FrontierPoint[];
  chosen: FrontierPoint;
  /** Best plan of each other family and why it loses to the chosen one. */
  families: (FrontierPoint & { why: string; slowdown?: number })[];
  infeasibleFamilies: { family: string; why: string }[];
}

export interface ReportData {
  title: string;
  /** The command that wrote the report, for the header. */
  command: string;
  generatedAt: string;
  model: { name: string; parameters: number; forwardFlops: number; layers: LayerRow[] };
  hardware?: { name: string; workers: number; device: string; peakFlops: number; deviceMemoryBytes: number; networkBytesPerSecond: number; density: number };
  plan?: PlanSection;
  summary?: Summary;
  timeline?: TimelineSection;
  /** Breakdown and memory of the chosen plan and the plans it is compared with. */
  plans?: PlanFigures[];
  scaling?: Curves;
  /** A second sweep (compute density, or the axis of a `sweep` run). */
  sweep?: Curves;
  frontier?: FrontierSection;
  validate?: ValidateResult;
}
