// Steps, samples and seconds to the target for points of a sweep, from their global batch and
// throughput: S(B) = S_min(1 + B_noise/B), E(B) = E_min(1 + B/B_noise), time = E(B) / throughput.
import { samplesToTarget } from './efficiency';

export interface TargetFigures {
  steps: number;
  samples: number;
  seconds: number;
}

/** Without E_min the figures count E_min as one sample (compare them with each other only). */
export function toTargetAt(globalBatch: number, samplesPerSecond: number, s: { noiseScale: number; minSamples?: number }): TargetFigures {
  const samples = samplesToTarget(s.minSamples ?? 1, s.noiseScale, globalBatch);
  return { steps: samples / globalBatch, samples, seconds: samples / samplesPerSecond };
}
