// Second, independent fidelity check (nothing fitted to it): Megatron-LM 2022 on Selene,
// Korthikanti et al. 2022's 22B / 175B / 530B / 1T runs (simulator/parallel/megatron-2022.ts
// names the sources). Measured today: model FLOPs utilisation with selective recomputation
// +2.4 / −1.8 / −5.6 / −4.1% against the README's; seconds per iteration (Table 5) +2.0 / −1.7 /
// −5.6 / −4.1% with selective recomputation and −2.0 / −5.6 / −11.2 / −6.8% (predicted slower)
// with full. Without the straggler tail (E[slowest of 8–512 GPUs] at the default cv 1.3%, which
// composed steps take since branch cleanup11) they were +4.0 / +0.9 / −2.2 / −0.4% and
// −0.4 / −2.9 / −7.9 / −3.2% (full). The tolerances below are today's errors rounded up: 6% on MFU
// and selective time, 13% on full time (the test takes predicted / published − 1: +12.6% for 530B).
import { KORTHIKANTI_RUNS, korthikantiPrediction } from '../../../simulator/parallel/megatron-2022';
import { zooHardware } from '../../helpers/scenarios';

describe('Megatron-LM 2022 runs (Korthikanti et al. 2022)', () => {
  const selene = zooHardware('selene-a100');
  test.each(KORTHIKANTI_RUNS.map((r) => [r.name, r] as const))('%s: MFU and seconds per iteration', (_n, r) => {
    const sel = korthikantiPrediction(selene, r, 'selective');
    const full = korthikantiPrediction(selene, r, 'full');
    expect(Math.abs(sel.mfu / r.mfu - 1)).toBeLessThan(0.06);
    expect(Math.abs(sel.stepTimeSeconds / r.selectiveSeconds - 1)).toBeLessThan(0.06);
    expect(Math.abs(full.stepTimeSeconds / r.fullSeconds - 1)).toBeLessThan(0.13);
    // Full recomputation repeats the forward: always slower than selective, as published.
    expect(full.stepTimeSeconds).toBeGreaterThan(sel.stepTimeSeconds);
  });
});
