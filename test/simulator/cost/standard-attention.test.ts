// The attention score path against an independent, published A100 measurement: PyTorch's standard
// attention in FlashAttention-2's benchmark (Dao 2023, Fig. 4 a/b; simulator/cost/standard-attention.ts).
// Without a score bandwidth the kernel model is 16–28% fast on all ten bars; selene-a100's
// scoreBandwidthBytesPerSecond is the one-parameter fit to those bars (fitScoreBandwidth), and with
// it they read +2.0 / +0.3 / −1.0 / −1.9 / −2.9% (head dimension 64, s = 512…8k) and +9.9 / +2.3 /
// −3.1 / −0.0 / −4.7% (128). Tolerance: 5% on each bar, 11% on sequence 512 at head dimension
// 128, the one bar the fitted model misses by more than 5% (not explained).
import fc from 'fast-check';
import { KernelCost } from '../../../simulator/cost/kernels';
import { fitScoreBandwidth, predictStandardAttention, PUBLISHED_STANDARD_ATTENTION, PUBLISHED_STANDARD_ATTENTION_H100, standardAttentionKernels } from '../../../simulator/cost/standard-attention';
import type { Hardware } from '../../../simulator/hardware/schema';
import { zooHardware } from '../../helpers/scenarios';

const selene = zooHardware('selene-a100');
const without: Hardware = { ...selene, device: { ...selene.device, scoreBandwidthBytesPerSecond: undefined } };

describe('PyTorch standard attention on an A100 (Dao 2023, Fig. 4)', () => {
  test.each(PUBLISHED_STANDARD_ATTENTION.map((p) => [p.headDim, p.sequence, p] as const))('head dimension %d, sequence %d', (_d, _s, p) => {
    const r = predictStandardAttention(new KernelCost(selene, 'fp16'), p);
    expect(Math.abs(r.tflops / p.tflops - 1)).toBeLessThan(p.sequence === 512 && p.headDim === 128 ? 0.11 : 0.05);
  });

  test('at the whole memory bandwidth every bar is predicted at least 15% fast', () => {
    const kc = new KernelCost(without, 'fp16');
    for (const p of PUBLISHED_STANDARD_ATTENTION) expect(predictStandardAttention(kc, p).tflops / p.tflops).toBeGreaterThan(1.15);
  });

  test("selene-a100's score bandwidth is the fit to the published bars", () => {
    expect(fitScoreBandwidth(without)! / selene.device.scoreBandwidthBytesPerSecond! - 1).toBeCloseTo(0, 2);
  });

  test.each(['h100-cluster', 'h100-ib'])("%s: the score bandwidth is the same fit to the H100 bars, every bar within 17%%, without it 14-38%% fast", (name) => {
    const h100 = zooHardware(name);
    const bare: Hardware = { ...h100, device: { ...h100.device, scoreBandwidthBytesPerSecond: undefined } };
    expect(fitScoreBandwidth(bare, PUBLISHED_STANDARD_ATTENTION_H100)! / h100.device.scoreBandwidthBytesPerSecond! - 1).toBeCloseTo(0, 2);
    for (const p of PUBLISHED_STANDARD_ATTENTION_H100) {
      expect(Math.abs(predictStandardAttention(new KernelCost(h100, 'fp16'), p).tflops / p.tflops - 1)).toBeLessThan(0.17);
      expect(predictStandardAttention(new KernelCost(bare, 'fp16'), p).tflops / p.tflops).toBeGreaterThan(1.13);
    }
  });

  test('a slower score path never makes attention faster', () => {
    const slow: Hardware = { ...selene, device: { ...selene.device, scoreBandwidthBytesPerSecond: 1e12 } };
    for (const p of PUBLISHED_STANDARD_ATTENTION)
      expect(predictStandardAttention(new KernelCost(slow, 'fp16'), p).tflops).toBeLessThan(predictStandardAttention(new KernelCost(selene, 'fp16'), p).tflops);
  });
});

describe('score bandwidth laws', () => {
  const shapes = fc.record({ s: fc.integer({ min: 16, max: 4096 }), heads: fc.integer({ min: 1, max: 64 }), d: fc.constantFrom(32, 64, 96, 128), batch: fc.integer({ min: 1, max: 16 }) });
  const withBw = (bw: number | undefined): Hardware => ({ ...selene, device: { ...selene.device, scoreBandwidthBytesPerSecond: bw } });

  test('a lower score bandwidth never makes the score path faster, forward or backward', () => {
    fc.assert(fc.property(shapes, fc.double({ min: 0.2e12, max: 1.8e12, noNaN: true }), fc.double({ min: 0.2e12, max: 1.8e12, noNaN: true }), ({ s, heads, d, batch }, a, b) => {
      const k = standardAttentionKernels({ heads, headDim: d, batch, sequence: s });
      const [lo, hi] = a < b ? [a, b] : [b, a];
      const slow = new KernelCost(withBw(lo), 'fp16').kernels(k, batch, 1, false);
      const fast = new KernelCost(withBw(hi), 'fp16').kernels(k, batch, 1, false);
      return slow.forward >= fast.forward && slow.backward >= fast.backward;
    }));
  });

  test('a score bandwidth equal to the memory bandwidth changes nothing', () => {
    fc.assert(fc.property(shapes, ({ s, heads, d, batch }) => {
      const k = standardAttentionKernels({ heads, headDim: d, batch, sequence: s });
      const same = new KernelCost(withBw(selene.device.achievedMemoryBandwidthBytesPerSecond), 'fp16').kernels(k, batch, 1, false);
      const none = new KernelCost(without, 'fp16').kernels(k, batch, 1, false);
      return same.forward === none.forward && same.backward === none.backward;
    }));
  });
});
