// Second, independent fidelity check (nothing fitted to it): Megatron-LM 2022 on Selene,
// Korthikanti et al. 2022's 22B / 175B / 530B / 1T runs (simulator/parallel/megatron-2022.ts
// names the sources). Measured today, with the straggler tail (cv 1.3%), the pipeline as
// Megatron-LM runs it (blocking exchanges, its stage split) and the attention score path at the
// bandwidth fitted to Dao 2023's A100 timings (docs/transformers.md): model FLOPs utilisation with
// selective recomputation −2.3 / −3.6 / −3.0 / +1.3% against the README's; seconds per iteration
// (Table 5), predicted / published − 1, +2.7 / +3.8 / +3.2 / −1.3% with selective recomputation
// and +5.7 / +7.0 / +8.2 / 0.0% with full (before the score bandwidth: MFU +2.4 / −1.2 / −1.7 /
// +2.5%, selective −2.0 / +1.2 / +1.8 / −2.5%, full +2.1 / +5.0 / +7.1 / −0.9%). The 2022 software
// overlaps the tensor-parallel backward all-reduce with the weight-gradient products, which the
// simulator does not model, so this set is expected to read slow. The tolerances below are
// today's errors rounded up: 4% on MFU and selective time, 9% on full time.
import { KORTHIKANTI_RUNS, korthikantiPrediction } from '../../../simulator/parallel/megatron-2022';
import { zooHardware } from '../../helpers/scenarios';

describe('Megatron-LM 2022 runs (Korthikanti et al. 2022)', () => {
  const selene = zooHardware('selene-a100');
  test.each(KORTHIKANTI_RUNS.map((r) => [r.name, r] as const))('%s: MFU and seconds per iteration', (_n, r) => {
    const sel = korthikantiPrediction(selene, r, 'selective');
    const full = korthikantiPrediction(selene, r, 'full');
    expect(Math.abs(sel.mfu / r.mfu - 1)).toBeLessThan(0.04);
    expect(Math.abs(sel.stepTimeSeconds / r.selectiveSeconds - 1)).toBeLessThan(0.04);
    expect(Math.abs(full.stepTimeSeconds / r.fullSeconds - 1)).toBeLessThan(0.09);
    // Full recomputation repeats the forward: always slower than selective, as published.
    expect(full.stepTimeSeconds).toBeGreaterThan(sel.stepTimeSeconds);
  });
});
