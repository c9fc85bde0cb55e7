// Time of compute tasks on one device: a roofline per layer (Williams et al. 2009).
// time = op overhead + max(FLOPs / (peak × efficiency of the layer type at the call's batch), bytes moved / memory bandwidth)
import type { Hardware } from '../hardware/schema';
import { efficiencyAt, efficiencyOf } from '../hardware/load';
import type { LayerInfo } from '../model/analyze';

/** `mixed` is fp16 mixed precision (older plan files); fp8 runs its matrix products in fp8 and keeps 16-bit activations. */
export type Precision = 'fp32' | 'mixed' | 'fp16' | 'bf16' | 'fp8';

/** Bytes per activation/gradient value moved between devices and through memory. */
export const valueBytes = (p: Precision): number => (p === 'fp32' ? 4 : 2);

/** The key of `peakFlopsByPrecision` a plan's matrix products run at. */
export const peakKey = (p: Precision): string => (p === 'mixed' ? 'fp16' : p);

/**
 * Peak FLOP/s of the matrix products of a plan at `p`: fp32 runs them on TF32 tensor cores where
 * the device has them (as the kernel model costs them), reduced precisions at their own rate.
 */
export function matrixPeakFlops(d: Hardware['device'], p: Precision): number {
  return p === 'fp32' ? d.peakFlopsByPrecision?.tf32 ?? d.peakFlops : d.peakFlopsByPrecision?.[peakKey(p)] ?? d.peakFlops;
}

/** What identifies a layer among those a device timed: its type, input and output shapes, and forward FLOPs per sample. */
export function layerSignature(l: Pick<LayerInfo, 'type' | 'inputShapes' | 'outputShape' | 'forwardFlops'>): string {
  return `${l.type}|${l.inputShapes.map((s) => s.join('x')).join(',')}|${l.outputShape.join('x')}|${l.forwardFlops}`;
}

/** SGD with momentum reads weight, gradient and momentum and writes weight and momentum: 5 fp32 words per parameter. */
export const UPDATE_BYTES_PER_PARAMETER = 5 * 4;
/** FLOPs per parameter of that update (scale, add, scale, add), used when no memory bandwidth is known. */
export const UPDATE_FLOPS_PER_PARAMETER = 4;

export class DeviceCost {
  private peak: number;
  private memBw: number | undefined;
  private overhead: number;
  private callOverhead: Record<string, number> | undefined;
  private actBytes: number;
  /** Whether the device's measured layers apply (they were timed at fp32). */
  private measured: boolean;
  /** How much faster than their FLOPs say 3×3 stride-1 convolutions run (device.winograd; 1 without). */
  private winograd: number;

  constructor(private hw: Hardware, precision: Precision = 'fp32') {
    this.measured = precision === 'fp32' && !!hw.device.measuredLayers;
    // Stated from fp32 measurements; at reduced precision the libraries pick other algorithms (tensor cores).
    this.winograd = precision === 'fp32' ? hw.device.winograd?.speedup ?? 1 : 1;
    const reduced = precision === 'fp32' ? undefined : hw.device.peakFlopsByPrecision?.[peakKey(precision)] ?? hw.device.peakFlopsByPrecision?.fp16;
    this.peak = reduced ?? hw.device.peakFlops;
    this.memBw = hw.device.memoryBandwidthBytesPerSecond;
    this.overhead = hw.device.opOverheadSeconds ?? 0;
    this.callOverhead = hw.device.callOverheadSeconds;
    this.actBytes = valueBytes(precision) / 4;
  }

  /** Forward pass of `fraction` of a layer (a model-parallel slice) over `samples` samples. */
  forward(l: LayerInfo, samples: number, fraction = 1): number {
    const flops = l.forwardFlops * samples * fraction;
    const bytes = (l.inputBytes + l.activationBytes * fraction) * samples * this.actBytes + l.weightBytes * fraction;
    return this.roofline(l, samples, flops, bytes);
  }

  /** Backward pass: input gradient (if needed) and weight gradient. */
  backward(l: LayerInfo, samples: number, fraction = 1): number {
    const flops = ((l.needsInputGradient ? l.backwardInputFlops : 0) + l.backwardWeightFlops) * samples * fraction;
    const bytes = 2 * (l.inputBytes + l.activationBytes * fraction) * samples * this.actBytes + 2 * l.weightBytes * fraction;
    return this.roofline(l, samples, flops, bytes);
  }

  /**
   * Weight update of `parameters` parameters: memory-bandwidth bound where the device gives its
   * bandwidth, else costed like a layer of type "update" (calibrate fits its overhead and rate).
   */
  update(parameters: number): number {
    if (parameters === 0) return 0;
    if (this.memBw) return this.callSeconds('update') + (parameters * UPDATE_BYTES_PER_PARAMETER) / this.memBw;
    return this.callSeconds('update') + (parameters * UPDATE_FLOPS_PER_PARAMETER) / (this.peak * efficiencyOf(this.hw, 'update'));
  }

  /** Whether collectives cost host-side packing at all on this device. */
  get hostCopies(): boolean {
    return !!this.hw.device.hostCopyBytesPerSecond;
  }

  /** Packing or unpacking `bytes` for a transport on the worker's own stream (0 where collectives work in place). */
  hostCopy(bytes: number): number {
    const rate = this.hw.device.hostCopyBytesPerSecond;
    return rate && bytes > 0 ? bytes / rate : 0;
  }

  /** Fixed time of one call of a layer of this type. */
  callSeconds(type: string): number {
    return this.callOverhead?.[type] ?? (type === 'update' ? undefined : this.callOverhead?.default) ?? this.overhead;
  }

  /**
   * `samples`: the batch of the call, which sets how efficiently it runs (hardware batchEfficiency).
   * A layer the device timed itself (measuredLayers) runs at its own measured overhead and rate.
   * Measured at fp32 on the device's backend: reduced precisions keep the type's curve.
   */
  private roofline(l: LayerInfo, samples: number, flops: number, bytes: number): number {
    const memory = this.memBw ? bytes / this.memBw : 0;
    const own = this.measured ? this.hw.device.measuredLayers?.layers[layerSignature(l)] : undefined;
    if (own) return own.overheadSeconds + Math.max(flops / own.rate, memory);
    const compute = flops / (this.peak * efficiencyAt(this.hw, l.type, samples) * (l.winograd ? this.winograd : 1));
    return this.callSeconds(l.type) + Math.max(compute, memory);
  }
}
