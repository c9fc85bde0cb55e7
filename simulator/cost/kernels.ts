// Time of a layer on one tensor-parallel rank, from its kernels: every matrix product from the
// device's measured matrix-multiply rate and its memory bandwidth, element-wise kernels at memory
// bandwidth, plus a fixed cost per kernel launch. Layers that state no kernels (the convolutional
// zoo) keep the per-layer-type roofline of DeviceCost.
//
// A product's compute and memory time add up where the device file names the shape its rate was
// measured on (`matmulMeasuredShape`), as Calculon does for the A100 it validates against Megatron-LM
// (Isaev et al., SC'23; calculon-ai/calculon, systems/a100_80g.json, "processing_mode":
// "no_overlap"): on Ampere a thread block writes its output tile after its main loop, and a
// product with a short inner dimension (attention's scores, K = head size) spends as long moving
// its operands as multiplying them, so the two do not hide each other as a roofline assumes. The
// tensor-core rate is then what the measurement leaves after its own memory time — the measured
// shape keeps exactly its measured rate. Without the shape, products stay on the roofline.
import type { Hardware } from '../hardware/schema';
import type { LayerInfo } from '../model/analyze';
import type { Gemm, Kernels } from '../model/layers';
import { efficiencyOf } from '../hardware/load';
import { DeviceCost, matrixPeakFlops, peakKey, Precision, valueBytes } from './compute';
import { tensorCoreRate, waveEfficiency } from './gemm-shape';

export interface LayerTimes {
  forward: number;
  backward: number;
  /** The part of forward selective recomputation repeats (attention's scores, softmax, dropout). */
  core: number;
}

/** Share of a layer's forward matrix-product FLOPs in its score products (the attention core). */
function coreShare(k: Kernels): number {
  let all = 0;
  let core = 0;
  for (const g of k.gemms) {
    const f = g.rows * g.cols * g.inner * g.count;
    all += f;
    if (g.scores) core += f;
  }
  return all > 0 ? core / all : 0;
}

export class KernelCost {
  readonly matmul: number;
  private memBw: number;
  /** Attention's score tensors move at this rate (the device's measured score path; else memBw). */
  private scoreBw: number;
  /** Streaming multiprocessors: a wave of matrix-multiply tiles (absent: no quantisation). */
  private sms: number | undefined;
  private launch: number;
  /** Kernels' bytes are stated at 16-bit activations; fp32 doubles them. */
  private scale: number;
  private fallback: DeviceCost;
  /** Compute and memory time of a product add (the measured shape is known); else the larger counts. */
  private serial: boolean;

  constructor(private readonly hw: Hardware, readonly precision: Precision) {
    const d = hw.device;
    const key = peakKey(precision);
    const peak = matrixPeakFlops(d, precision);
    // Without a measured rate, the device's dense-layer efficiency of its peak.
    this.matmul = (precision === 'fp32' ? undefined : d.matmulFlopsByPrecision?.[key]) ?? peak * efficiencyOf(hw, 'dense');
    // Memory-bound kernels stream at what a copy kernel measurably reaches, not the datasheet's rate.
    this.memBw = d.achievedMemoryBandwidthBytesPerSecond ?? d.memoryBandwidthBytesPerSecond ?? Infinity;
    this.scoreBw = d.scoreBandwidthBytesPerSecond ?? this.memBw;
    this.launch = d.opOverheadSeconds ?? 0;
    this.sms = d.multiprocessors;
    this.scale = valueBytes(precision) / 2;
    this.fallback = new DeviceCost(hw, precision);
    const shape = precision === 'fp32' ? undefined : d.matmulMeasuredShape;
    this.serial = shape !== undefined && d.matmulFlopsByPrecision?.[key] !== undefined;
    if (shape && this.serial) {
      const rate = tensorCoreRate(this.matmul, shape, this.memBw, this.sms);
      // parseHardware refuses such a file; kept for devices built in code.
      if (rate === undefined) throw new Error(`${d.name}: matmulMeasuredShape ${shape.m}×${shape.n}×${shape.k} moves more bytes than its measured rate leaves time for`);
      this.matmul = rate;
    }
  }

  /** One product over `samples` samples, its work divided by `t`: forward, and backward's two (input and weight gradients). */
  gemm(g: Gemm, samples: number, t: number): { forward: number; backward: number } {
    const div = g.divided ? t : 1;
    const m = g.rows * samples;
    // Heads are divided among ranks; a single projection's columns (or inner dimension) are.
    const count = g.count >= div ? g.count / div : g.count;
    const n = g.count >= div ? g.cols : g.cols / div;
    const k = g.inner;
    // Forward C[m×n] = A[m×k]·B[k×n]; backward dA[m×k] = dC·Bᵀ and dB[k×n] = Aᵀ·dC: the same
    // FLOPs and operands, each with its own output shape (which sets its tiles and waves).
    const product = (rows: number, cols: number, inner: number) => {
      const flops = 2 * rows * cols * inner;
      const bytes = 2 * this.scale * (rows * inner + inner * cols + rows * cols);
      const rate = this.matmul * (this.sms ? waveEfficiency(rows, cols, count, this.sms) : 1);
      const bw = g.scores ? this.scoreBw : this.memBw;
      return count * (this.serial ? flops / rate + bytes / bw : Math.max(flops / rate, bytes / bw));
    };
    return { forward: product(m, n, k), backward: product(m, k, n) + product(k, n, m) };
  }

  /** Forward and backward of layer `l` over `samples` samples on one of `t` tensor ranks (`sp`: sequence parallelism divides the rest). */
  layer(l: LayerInfo, samples: number, t: number, sp: boolean): LayerTimes {
    const k = l.kernels;
    if (!k || this.measured(l.type)) {
      // No kernels stated (the convolutional zoo), or a device that measured this layer type
      // itself (`trainplan calibrate` times attention, MLP and norm layers whole on this
      // backend, with their per-call overhead): its per-type roofline. On a TF.js worker a layer
      // is dozens of small ops, not the handful of fused GPU kernels the kernel model counts.
      const fraction = l.split.over === 'none' ? 1 : 1 / t;
      const forward = this.fallback.forward(l, samples, fraction);
      return { forward, backward: this.fallback.backward(l, samples, fraction), core: k ? forward * coreShare(k) : 0 };
    }
    return this.kernels(k, samples, t, sp);
  }

  /** Forward and backward of kernels `k` over `samples` samples on one of `t` tensor ranks (`sp`: sequence parallelism divides the rest). */
  kernels(k: Kernels, samples: number, t: number, sp: boolean): LayerTimes {
    let gemms = 0;
    let gemmsBack = 0;
    let core = 0;
    for (const g of k.gemms) {
      const s = this.gemm(g, samples, t);
      gemms += s.forward;
      gemmsBack += s.backward;
      if (g.scores) core += s.forward; // the score products: the attention core
    }
    const bytes = (b: { forward: number; backward: number }, div: number, dir: 'forward' | 'backward', bw = this.memBw) => (b[dir] * samples * this.scale) / div / bw;
    const scores = k.scoreBytes ?? { forward: 0, backward: 0 };
    const wholeDiv = sp ? t : 1;
    const fwdEw = bytes(k.dividedBytes, t, 'forward') + bytes(scores, t, 'forward', this.scoreBw);
    const forward = gemms + fwdEw + bytes(k.wholeBytes, wholeDiv, 'forward') + k.launches * this.launch;
    const bwdEw = bytes(k.dividedBytes, t, 'backward') + bytes(scores, t, 'backward', this.scoreBw);
    const backward = gemmsBack + bwdEw + bytes(k.wholeBytes, wholeDiv, 'backward') + 2 * k.launches * this.launch;
    // Selective recomputation repeats the core products and the element-wise kernels between them.
    if (core > 0) core += fwdEw + 3 * this.launch;
    return { forward, backward, core };
  }

  /** Whether the device states its own efficiency for this layer type (a calibrated file does). */
  private measured(type: string): boolean {
    return Object.hasOwn(this.hw.device.efficiency, type);
  }

  /** The optimizer step over `parameters` held here: memory-bound, `bytesPerParameter` read and written. */
  update(parameters: number, bytesPerParameter: number): number {
    return parameters > 0 ? this.launch + (parameters * bytesPerParameter) / this.memBw : 0;
  }
}
