// Tile and wave quantisation of matrix products (simulator/cost/gemm-shape.ts; NVIDIA's Matrix
// Multiplication Background User's Guide): a fraction of the best rate, 1 exactly when the
// largest tile's waves are full, and the guide's kind of worked example.
import fc from 'fast-check';
import { waveEfficiency } from '../../../simulator/cost/gemm-shape';

describe('waveEfficiency', () => {
  test('is a fraction of the best rate for every shape', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 40000 }), fc.integer({ min: 1, max: 40000 }), fc.integer({ min: 1, max: 512 }), fc.integer({ min: 1, max: 200 }), (r, c, b, sms) => {
      const e = waveEfficiency(r, c, b, sms);
      return e > 0 && e <= 1;
    }));
  });

  test('is 1 when 256 × 128 tiles fill whole waves', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 8 }), (a, b, w) => {
      // a·b tiles per product, batched so the tiles make w whole waves of a·b SMs.
      return Math.abs(waveEfficiency(256 * a, 128 * b, w, a * b) - 1) < 1e-12;
    }));
  });

  test('a 2,048 × 2,304 output on 108 SMs: 144 large tiles take 2 waves for 1⅓ of work', () => {
    // 128 × 128 tiles (288, 3 waves, 89% full) at ¾ of the rate do no better: 2/3.
    expect(waveEfficiency(2048, 2304, 1, 108)).toBeCloseTo(2 / 3, 10);
    // The measured best shape (6,912 × 16,384: 3,456 tiles, 32 waves) loses nothing.
    expect(waveEfficiency(6912, 16384, 1, 108)).toBe(1);
  });
});
