// Second, independent fidelity check (nothing fitted to it): Megatron-LM 2022 on Selene,
// Korthikanti et al. 2022's 22B / 175B / 530B / 1T runs (simulator/parallel/megatron-2022.ts
// names the sources). Measured today (blocking pipeline exchanges and Megatron-LM's stage split,
// docs/transformers.md): model FLOPs utilisation with selective recomputation +4.0 / +1.5 / +1.7 /
// +6.3% against the README's; seconds per iteration (Table 5) +3.7 / +1.6 / +1.6 / +6.4% (predicted
// faster) with selective recomputation and −0.7 / −2.7 / −4.7 / +2.8% with full. The tolerances
// below are those errors rounded up: 7% on MFU and selective time, 5% on full time.
import { KORTHIKANTI_RUNS, korthikantiPrediction } from '../../../simulator/parallel/megatron-2022';
import { zooHardware } from '../../helpers/scenarios';

describe('Megatron-LM 2022 runs (Korthikanti et al. 2022)', () => {
  const selene = zooHardware('selene-a100');
  test.each(KORTHIKANTI_RUNS.map((r) => [r.name, r] as const))('%s: MFU and seconds per iteration', (_n, r) => {
    const sel = korthikantiPrediction(selene, r, 'selective');
    const full = korthikantiPrediction(selene, r, 'full');
    expect(Math.abs(sel.mfu / r.mfu - 1)).toBeLessThan(0.07);
    expect(Math.abs(sel.stepTimeSeconds / r.selectiveSeconds - 1)).toBeLessThan(0.07);
    expect(Math.abs(full.stepTimeSeconds / r.fullSeconds - 1)).toBeLessThan(0.05);
    // Full recomputation repeats the forward: always slower than selective, as published.
    expect(full.stepTimeSeconds).toBeGreaterThan(sel.stepTimeSeconds);
  });
});
