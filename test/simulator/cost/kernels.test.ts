// Matrix products' time (simulator/cost/kernels.ts): where the device names the shape its matmul
// rate was measured on, tensor-core and memory time add (Calculon's no_overlap), with the
// tensor-core rate derived so that the measured shape runs at exactly its measured rate.
import fc from 'fast-check';
import { KernelCost } from '../../../simulator/cost/kernels';
import type { Hardware } from '../../../simulator/hardware/schema';
import { parseHardware } from '../../../simulator/hardware/load';
import { zooHardware } from '../../helpers/scenarios';

const selene = zooHardware('selene-a100');
const roofline: Hardware = { ...selene, device: { ...selene.device, matmulMeasuredShape: undefined } };
const product = (m: number, n: number, k: number) => ({ rows: m, cols: n, inner: k, count: 1, divided: false });

describe('KernelCost products', () => {
  test('the measured shape runs at the measured rate', () => {
    const { m, n, k } = selene.device.matmulMeasuredShape!;
    const t = new KernelCost(selene, 'bf16').gemm(product(m, n, k), 1, 1).forward;
    expect((2 * m * n * k) / t / selene.device.matmulFlopsByPrecision!.bf16).toBeCloseTo(1, 12);
  });

  test('adding memory time is never faster than the roofline on the same tensor-core rate', () => {
    const serial = new KernelCost(selene, 'fp16');
    fc.assert(fc.property(fc.integer({ min: 1, max: 32768 }), fc.integer({ min: 1, max: 32768 }), fc.integer({ min: 1, max: 32768 }), (m, n, k) => {
      const flops = 2 * m * n * k;
      const bytes = 2 * (m * k + k * n + m * n);
      const t = serial.gemm(product(m, n, k), 1, 1).forward;
      return t >= flops / serial.matmul - 1e-15 && t >= bytes / selene.device.achievedMemoryBandwidthBytesPerSecond! - 1e-15;
    }));
  });

  test('a short inner dimension costs more than the roofline says (attention scores, K = 128)', () => {
    const s = new KernelCost(selene, 'fp16').gemm({ rows: 2048, cols: 2048, inner: 128, count: 32, divided: false }, 4, 1).forward;
    const r = new KernelCost(roofline, 'fp16').gemm({ rows: 2048, cols: 2048, inner: 128, count: 32, divided: false }, 4, 1).forward;
    expect(s / r).toBeGreaterThan(1.5);
  });

  test('a measured shape that moves more bytes than its rate allows is refused', () => {
    const bad: Hardware = { ...selene, device: { ...selene.device, matmulMeasuredShape: { m: 8, n: 8, k: 8 }, achievedMemoryBandwidthBytesPerSecond: 1 } };
    expect(() => new KernelCost(bad, 'fp16')).toThrow(/matmulMeasuredShape 8×8×8/);
  });
});

describe('parseHardware: matmulMeasuredShape', () => {
  test('names the field when the shape leaves no time for compute', () => {
    const r = parseHardware({ ...selene, device: { ...selene.device, matmulMeasuredShape: { m: 8, n: 8, k: 8 }, achievedMemoryBandwidthBytesPerSecond: 1 } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => p.path)).toContain('device.matmulMeasuredShape');
  });

  test('names the precision whose rate would leave tensor cores above its peak', () => {
    // h100-cluster's FP8 rate before it was re-derived: 80.1% of the FP8 peak on the BF16 shape.
    const h100 = zooHardware('h100-cluster');
    const r = parseHardware({ ...h100, device: { ...h100.device, matmulFlopsByPrecision: { ...h100.device.matmulFlopsByPrecision, fp8: 1.585e15 } } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => p.path)).toEqual(['device.matmulFlopsByPrecision.fp8']);
  });

  test.each(['selene-a100', 'h100-cluster', 'h100-ib'])('%s: tensor cores within the peak at every precision it measures', (name) => {
    const hw = zooHardware(name);
    const measured = (['fp16', 'bf16', 'fp8'] as const).filter((p) => hw.device.matmulFlopsByPrecision?.[p] !== undefined && hw.device.peakFlopsByPrecision?.[p] !== undefined);
    expect(measured.length).toBeGreaterThan(0);
    for (const p of measured) expect(new KernelCost(hw, p).matmul).toBeLessThanOrEqual(hw.device.peakFlopsByPrecision![p]);
  });
});
