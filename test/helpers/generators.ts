// fast-check generators shared by the simulator and tuner property tests.
import fc from 'fast-check';
import type { AnalyzedModel } from '../../simulator/model/analyze';
import { modelFrom } from './scenarios';

/** Small convnets of the one-weird-trick shape: convolutions, a pool, then dense layers. */
export function arbConvNet(o: { filters: number[]; maxConvs: number; units: number[]; size: number }): fc.Arbitrary<AnalyzedModel> {
  return fc.record({
    convs: fc.array(fc.record({ filters: fc.constantFrom(...o.filters), kernel: fc.constantFrom(1, 3) }), { minLength: 1, maxLength: o.maxConvs }),
    dense: fc.array(fc.constantFrom(...o.units), { minLength: 1, maxLength: 3 }),
  }).map(({ convs, dense }) => modelFrom({
    name: 'gen', input: [o.size, o.size, 3],
    layers: [
      ...convs.map((c, i) => ({ name: `conv${i}`, type: 'conv2d', filters: c.filters, kernel: c.kernel, padding: 'same' })),
      { name: 'pool', type: 'maxpool2d', size: 2 },
      ...dense.map((u, i) => ({ name: `fc${i}`, type: 'dense', units: u })),
    ],
  }));
}
