// Published scaling of clusters built from datasheets and library measurements
// (scenarios/hardware/c4140-v100pcie-edr.json, p2-k80-10gbe.json, v100-nvlink-edr-4node.json,
// dgx1-p100.json, p100-25gbe-roce-horovod.json, bigbasin-p100-50gbe.json and the BERT and
// Horovod-2017 files below): each file's single-GPU speed is matched to the publication's one-GPU
// figure (the P100 files' Winograd factor, fitted to one-GPU speeds, is the one other figure set
// that way); the scaling is predicted, never fitted.
// The mechanisms of docs/fidelity.md (collectives as achieved, interference, stragglers) are
// what moves the prediction from near-linear toward the measurement; see the tolerances below.
import { simulate, Feasible } from '../../simulator/simulate';
import type { Hardware } from '../../simulator/hardware/schema';
import { plan, zooHardware, zooModel } from '../helpers/scenarios';
import { withFidelityDefaults } from '../../simulator/hardware/defaults';
import { DeviceCost } from '../../simulator/cost/compute';

const resnet = zooModel('resnet50');
const speedup = (hw: Hardware, workers: number, batch: number) => {
  const r = simulate(resnet, hw, plan('data', resnet, { workers, batchPerWorker: batch, topology: hw.network.topology }));
  if (!r.feasible) throw new Error(r.reason);
  return (r as Feasible).speedup;
};
/** The same file without the fidelity mechanisms: links at line rate (no collectives block, no transports), no launch, no interference, no stragglers. */
const bare = (hw: Hardware): Hardware => {
  const { collectives: _c, ...rest } = hw;
  const { variability: _v, interference: _i, ...device } = hw.device;
  const network = hw.network.topology === 'hierarchical' ? { ...hw.network, levels: hw.network.levels.map(({ transport: _t, ...l }) => l) } : hw.network;
  return { ...rest, device, network };
};

describe('Dell C4140, 32 × V100-PCIe on EDR InfiniBand (Dell EMC Ready Solutions for AI, Reference Guide v1.0)', () => {
  const hw = zooHardware('c4140-v100pcie-edr');
  test('one GPU trains ResNet-50 at the file\'s stated ~330 images/s', () => {
    const r = simulate(resnet, hw, plan('single', resnet, { workers: 1, batchPerWorker: 64 })) as Feasible;
    expect(Math.abs(r.samplesPerSecond / 330 - 1)).toBeLessThan(0.02);
  });
  test('32 GPUs, batch 64: within 5% of the best framework measured (MXNet 29.4x) and above Caffe2\'s 26.5x; the bare links were 7% above', () => {
    // Tolerance: the frameworks measured at batch 64 on this cluster span 26.5x–29.4x (TensorFlow
    // reached 22.0x at batch 128). The prediction must lie in [26.5, 1.05 × 29.4]: it models the
    // library (NCCL-like ring collectives), not any one framework's scheduling.
    const s = speedup(hw, 32, 64);
    expect(s).toBeGreaterThanOrEqual(26.5);
    expect(s).toBeLessThanOrEqual(1.05 * 29.4);
    expect(speedup(bare(hw), 32, 64)).toBeGreaterThan(1.05 * 29.4);
  });
});

describe('AWS p2.8xlarge, up to 64 K80s on 10 GbE (TensorFlow performance benchmarks, May 2017)', () => {
  const hw = zooHardware('p2-k80-10gbe');
  const published: [number, number][] = [
    [16, 751 / 52.4],
    [32, 1388 / 52.4],
    [64, 2744 / 52.4],
  ];
  test('one GPU trains ResNet-50 at the published 52.4 images/s', () => {
    const r = simulate(resnet, hw, plan('single', resnet, { workers: 1, batchPerWorker: 64 })) as Feasible;
    expect(Math.abs(r.samplesPerSecond / 52.4 - 1)).toBeLessThan(0.03);
  });
  test.each(published)('%i GPUs: within 13%% of the published speedup (%f), and closer than the bare links', (k, measured) => {
    // Tolerance 13%: what holds today. The prediction is still optimistic by 5–12%: the
    // measurement used TensorFlow's parameter servers over gRPC, simulated here as the
    // hierarchical all-reduce that moves the same bytes across each instance's port.
    const s = speedup(hw, k, 64);
    expect(Math.abs(s / measured - 1)).toBeLessThan(0.13);
    expect(Math.abs(s / measured - 1)).toBeLessThan(Math.abs(speedup(bare(hw), k, 64) / measured - 1));
  });
  // The same page's single-instance rows (one p2.8xlarge, no network; one-GPU figures of that table).
  test.each([
    ['resnet50', 64, [98.0 / 51.5, 195 / 51.5, 384 / 51.5], 0.05],
    ['resnet152', 32, [37.6 / 19.7, 74.9 / 19.7, 149 / 19.7], 0.05],
    ['vgg16', 32, [69.4 / 36.3, 141 / 36.3, 260 / 36.3], 0.08],
  ] as [string, number, number[], number][])('one instance, %s at batch %i, 2 / 4 / 8 GPUs: within the stated tolerance of the published speedups', (name, batch, published, tolerance) => {
    // Tolerance 5% for the ResNets (they land at +2.5 to +3.8%); 8% for VGG16, whose 8-GPU point
    // is +7.6% (the second GPU's step the measurement shows and the simulator lacks, docs/fidelity.md).
    const m = zooModel(name);
    [2, 4, 8].forEach((k, i) => {
      const r = simulate(m, hw, plan('data', m, { workers: k, batchPerWorker: batch, topology: hw.network.topology })) as Feasible;
      expect(Math.abs(r.speedup / published[i] - 1)).toBeLessThan(tolerance);
    });
  });
  // What ran: tf_cnn_benchmarks' distributed_replicated, a grouped parameter server (docs/fidelity.md).
  const asRun = (workers: number, batch: number, parameterServers?: number) => {
    const r = simulate(resnet, hw, plan('data', resnet, { workers, batchPerWorker: batch, topology: 'hierarchical', sync: 'grouped-parameter-server', parameterServers }));
    if (!r.feasible) throw new Error(r.reason);
    return r.speedup;
  };
  test('one parameter server per instance moves the bytes the hierarchical all-reduce moves: the same prediction within 0.5%', () => {
    expect(Math.abs(asRun(32, 64) / speedup(hw, 32, 64) - 1)).toBeLessThan(0.005);
  });
  test('batch 32 on 64 GPUs with the publication\'s 8 instances / 4 parameter servers: within 10% of 47.8x, where one server per instance predicted 17% above', () => {
    // The four servers' ports carry 2.5·S each way per step instead of 1.75·S. Tolerance 10%: what
    // holds; the rest is the in-instance gap (12% at 8 GPUs at this batch, where no network is used).
    const measured = 2315 / 48.4;
    expect(Math.abs(asRun(64, 32, 4) / measured - 1)).toBeLessThan(0.1);
    expect(asRun(64, 32) / measured - 1).toBeGreaterThan(0.15);
  });
});

describe('4 nodes × 8 V100-SXM2 on EDR InfiniBand, written from datasheets alone (DLPerf Benchmark Test Report v1.0, 2020)', () => {
  // The file has no transport, collectives, variability or interference of its own: what it
  // predicts comes from the datasheets plus the defaults (simulator/hardware/defaults.ts).
  const hw = zooHardware('v100-nvlink-edr-4node');
  // ResNet-50 v1.5, FP32, batch 128 per GPU: the speedups of the six frameworks measured on the
  // same cluster span these ranges (TensorFlow 1.15 + Horovod lowest at 16 and 32 GPUs, OneFlow
  // highest); the simulator models the collective library, not any one framework's scheduling.
  const spans: [number, number, number][] = [
    [8, 7.44, 7.72],
    [16, 13.88, 15.35],
    [32, 26.25, 30.43],
  ];
  test('one GPU trains ResNet-50 at the report\'s TensorFlow 1.x figure, 362.44 images/s', () => {
    const r = simulate(resnet, hw, plan('single', resnet, { workers: 1, batchPerWorker: 128 })) as Feasible;
    expect(Math.abs(r.samplesPerSecond / 362.44 - 1)).toBeLessThan(0.02);
  });
  test('the file as loaded carries the defaults, each with its source', () => {
    expect(hw.collectives?.source).toMatch(/^default/);
    expect(hw.device.variability?.source).toMatch(/^default/);
    expect(hw.device.interference?.source).toMatch(/^default/);
  });
  test.each(spans)('%i GPUs, batch 128: within [lowest framework, 1.05 × highest] = [%f, 1.05 × %f], and below the bare datasheets', (k, low, high) => {
    // Tolerance: the measured frameworks span 4–16%; the prediction must fall between the slowest
    // framework and 5% above the fastest, and the defaults must move it down from the bare links.
    const s = speedup(hw, k, 128);
    expect(s).toBeGreaterThanOrEqual(low);
    expect(s).toBeLessThanOrEqual(1.05 * high);
    expect(s).toBeLessThan(speedup(bare(hw), k, 128));
  });
});

// Clusters in no file before these tests, each written from datasheets alone (the defaults fill
// in the rest) with its one-GPU speed matched to a published one-GPU figure: the scaling is the
// model's, unchanged. docs/fidelity.md gives the table and the sources.
describe('DGX-1 with 8 × P100-SXM2, written from datasheets alone (TensorFlow performance benchmarks, May 2017)', () => {
  const hw = zooHardware('dgx1-p100');
  test('one GPU trains ResNet-50 at the published 219 images/s', () => {
    const r = simulate(resnet, hw, plan('single', resnet, { workers: 1, batchPerWorker: 64 })) as Feasible;
    expect(Math.abs(r.samplesPerSecond / 219 - 1)).toBeLessThan(0.02);
  });
  test.each([
    [2, 422 / 219],
    [4, 852 / 219],
    [8, 1734 / 219],
  ])('%i GPUs, batch 64: within 5%% of the published speedup %f', (k, measured) => {
    // Tolerance 5%: the aim for clusters the project had not seen. (The prediction is
    // 3.0% high at 2 GPUs: the measurement loses 3.5% from 1 to 2 GPUs and then scales
    // super-linearly to 8, a step the simulator does not have; see docs/fidelity.md.)
    expect(Math.abs(speedup(hw, k, 64) / measured - 1)).toBeLessThan(0.05);
  });
  test('ResNet-152 on 8 GPUs, batch 64: within 5% of the published 716 / 91.8 images/s (its one-GPU speed is predicted, 12.6% low)', () => {
    const resnet152 = zooModel('resnet152');
    const r = simulate(resnet152, hw, plan('data', resnet152, { workers: 8, batchPerWorker: 64, topology: hw.network.topology })) as Feasible;
    expect(Math.abs(r.speedup / (716 / 91.8) - 1)).toBeLessThan(0.05);
  });
});

describe('Horovod\'s cluster: 4 × Pascal (P100-PCIe) per server on 25 GbE RoCE, written from datasheets alone (Horovod docs/benchmarks.md)', () => {
  const hw = zooHardware('p100-25gbe-roce-horovod');
  const resnet101 = zooModel('resnet101');
  // Horovod's fusion buffer (HOROVOD_FUSION_THRESHOLD, 64 MiB in the Horovod of the benchmark) is
  // the bucket the framework synchronised; the batch is the reproduction command's --batch_size 64.
  const horovod = (workers: number) => plan('data', resnet101, { workers, batchPerWorker: 64, topology: hw.network.topology, bucketBytes: 64 * 1024 * 1024 });
  test('one GPU trains ResNet-50 at the P100-SXM2\'s published 219 images/s scaled to the PCIe card\'s peak (192)', () => {
    const r = simulate(resnet, hw, plan('single', resnet, { workers: 1, batchPerWorker: 64 })) as Feasible;
    expect(Math.abs(r.samplesPerSecond / (219 * 9.3 / 10.6) - 1)).toBeLessThan(0.02);
  });
  test.each([128, 512])('ResNet-101 on %i GPUs: within 5%% of the published 90%% scaling efficiency, and closer than the bare links', (k) => {
    // Tolerance 5% of the efficiency (the publication rounds it to 1%). The defaults move the
    // prediction from 95% (bare links) to 90–91%.
    const r = simulate(resnet101, hw, horovod(k)) as Feasible;
    expect(r.feasible).toBe(true);
    const efficiency = r.speedup / k;
    expect(Math.abs(efficiency / 0.9 - 1)).toBeLessThan(0.05);
    const b = simulate(resnet101, bare(hw), horovod(k)) as Feasible;
    expect(Math.abs(efficiency / 0.9 - 1)).toBeLessThan(Math.abs(b.speedup / k / 0.9 - 1));
  });
  test.each([[128, 0.79], [512, 0.68]])('VGG-16 on %i GPUs: within 8%% of the published %f efficiency, now that one GPU computes it at the P100\'s Winograd rate', (k, published) => {
    // Tolerance 8%: what holds (−5.8% at 128, +7.2% at 512); the 5% aim is not met. Before the
    // file stated device.winograd one GPU ran VGG-16 2.3× too slowly and the errors were +15.5% / +33.2%.
    const vgg16 = zooModel('vgg16');
    const r = simulate(vgg16, hw, plan('data', vgg16, { workers: k, batchPerWorker: 64, topology: hw.network.topology, bucketBytes: 64 * 1024 * 1024 })) as Feasible;
    expect(Math.abs(r.speedup / k / published - 1)).toBeLessThan(0.08);
  });
});

describe('Facebook Big Basin, 32 servers × 8 P100 on 50 GbE, written from datasheets alone (Goyal et al. 2017, "ImageNet in 1 hour")', () => {
  const hw = zooHardware('bigbasin-p100-50gbe');
  test('one GPU\'s backprop of ResNet-50 at 32 images takes the paper\'s stated 120 ms', () => {
    const cost = new DeviceCost(hw);
    const backward = resnet.layers.reduce((t, l) => t + cost.backward(l, 32), 0);
    expect(Math.abs(backward / 0.12 - 1)).toBeLessThan(0.02);
  });
  test('8 → 256 GPUs at 32 per GPU: within 5% of the published ~90% scaling efficiency, and closer than the bare datasheets', () => {
    // Tolerance 5% of the efficiency: the paper rounds it ("~90%"). Predicted 93.9%: the step
    // grows 6.5% from one server to 32 where the paper's grew ~10%.
    const efficiency = (h: Hardware) => speedup(h, 256, 32) / speedup(h, 8, 32) / 32;
    expect(Math.abs(efficiency(hw) / 0.9 - 1)).toBeLessThan(0.05);
    expect(Math.abs(efficiency(hw) / 0.9 - 1)).toBeLessThan(Math.abs(efficiency(bare(hw)) / 0.9 - 1));
  });
});

// BERT-large, the transformer rows (NVIDIA DeepLearningExamples PyTorch/LanguageModeling/BERT
// README, pytorch:21.11-py3 container, mixed precision): files written from datasheets alone, the
// one-GPU speed matched to one published figure per file, the scaling predicted.
describe('BERT-large on DGX-1 V100 32G and on 32 DGX A100 80GB nodes with HDR InfiniBand (DeepLearningExamples)', () => {
  const rate = (hw: Hardware, model: string, workers: number, batch: number, microBatch?: number) => {
    const m = zooModel(model);
    const p = plan(workers === 1 ? 'single' : 'data', m, { workers, batchPerWorker: batch, topology: hw.network.topology });
    const withAccumulation = { ...p, plan: { ...p.plan, precision: 'mixed' as const, ...(microBatch && microBatch < batch ? { microBatch } : {}) } };
    const r = simulate(m, hw, withAccumulation, { baselineStepSeconds: 1 });
    if (!r.feasible) throw new Error(r.reason);
    return r.samplesPerSecond;
  };
  const v100 = zooHardware('dgx1-v100-32g');
  const a100 = zooHardware('dgx-a100-80gb-hdr-32node');
  test('one GPU runs at the matched published speeds: V100 SQuAD 52 sequences/s, A100 pre-training at 128 tokens 580', () => {
    expect(Math.abs(rate(v100, 'bert-large-seq384', 1, 16) / 52 - 1)).toBeLessThan(0.02);
    expect(Math.abs(rate(a100, 'bert-large-seq128', 1, 256) / 580 - 1)).toBeLessThan(0.02);
  });
  test('SQuAD fine-tuning on 8 V100s, batch 16: within 5% of the published 382 / 52 = 7.35x', () => {
    // Tolerance 5%: the aim. Predicted +3.9% (the gradient all-reduce is simulated after
    // backprop, as Megatron-LM does; DDP overlaps it, which would only raise the prediction).
    const s = rate(v100, 'bert-large-seq384', 8, 16) / rate(v100, 'bert-large-seq384', 1, 16);
    expect(Math.abs(s / (382 / 52) - 1)).toBeLessThan(0.05);
  });
  // Pre-training at a fixed global batch (strong scaling): per GPU the accumulated batch halves
  // as the nodes double, micro-batch 256 at 128 tokens and 32 at 512; gradients all-reduced once
  // per accumulated batch. Published sequences/s on 1 to 32 nodes; the ratio to one node is checked.
  test.each([
    ['bert-large-seq128', 256, 65536, [4553, 9191, 18119, 35774, 70555, 138294]],
    ['bert-large', 32, 32768, [1648, 3291, 6464, 13005, 25570, 49663]],
  ] as [string, number, number, number[]][])('%s pre-training, micro-batch %i, global batch %i, 1 to 32 nodes: every point within 5%% of the published scaling', (model, micro, global, published) => {
    const base = rate(a100, model, 8, global / 8, micro);
    [16, 32, 64, 128, 256].forEach((k, i) => {
      const s = rate(a100, model, k, global / k, micro) / base;
      expect(Math.abs(s / (published[i + 1] / published[0]) - 1)).toBeLessThan(0.05);
    });
  });
  test('gradient accumulation keeps one micro-batch of activations: 8 GPUs × 8,192 sequences per step fit in 80 GB', () => {
    // The whole accumulated batch at once would need over a terabyte per GPU.
    expect(rate(a100, 'bert-large-seq128', 8, 8192, 256)).toBeGreaterThan(0);
  });
});

describe('Horovod README 2017: 4 servers × 4 Pascal GPUs on 25 GbE, NCCL over TCP and over RDMA, written from datasheets alone', () => {
  const tcp = zooHardware('p100x4-25gbe-tcp-horovod-2017');
  const resnet101 = zooModel('resnet101');
  /** The same servers with RDMA between them: the level's transport named roce, its defaults re-applied. */
  const rdma = (() => {
    if (tcp.network.topology !== 'hierarchical') throw new Error('expects a hierarchical cluster');
    const { collectives: _c, ...rest } = tcp;
    const levels = tcp.network.levels.map((l, i) => (i === 1 ? { ...l, transport: 'roce' as const, latencySeconds: 5e-6 } : l));
    return withFidelityDefaults({ ...rest, network: { ...tcp.network, levels } });
  })();
  const speedup16 = (hw: Hardware) => {
    const r = simulate(resnet101, hw, plan('data', resnet101, { workers: 16, batchPerWorker: 64, topology: hw.network.topology, bucketBytes: 64 * 1024 * 1024 }));
    if (!r.feasible) throw new Error(r.reason);
    return r.speedup;
  };
  test('one GPU trains ResNet-101 at the published 119.4 images/s', () => {
    const r = simulate(resnet101, tcp, plan('single', resnet101, { workers: 1, batchPerWorker: 64 })) as Feasible;
    expect(Math.abs(r.samplesPerSecond / 119.4 - 1)).toBeLessThan(0.02);
  });
  test.each([
    ['TCP', 1685.1 / 119.4],
    ['RDMA', 1746.2 / 119.4],
  ])('16 GPUs over %s: within 5%% of the published %f, and TCP below RDMA', (transport, measured) => {
    // Tolerance 5%: the aim (predicted +3.1% over TCP, +0.9% over RDMA; the published gap
    // between them, 3.5%, is predicted as 1.4%: see docs/fidelity.md).
    const s = speedup16(transport === 'TCP' ? tcp : rdma);
    expect(Math.abs(s / measured - 1)).toBeLessThan(0.05);
    expect(speedup16(tcp)).toBeLessThan(speedup16(rdma));
  });
});
