// Fidelity against Narayanan et al. 2021 (SC'21) Table 1: achieved TFLOP/s per A100 of the first
// five Megatron-LM GPT rows, predicted with nothing fitted to the table, on the micro-batches and
// schedules of the paper's own script (docs/transformers.md "Fidelity" states every assumption
// and its source). Measured today: −1.4 / −1.5 / −0.8 / +0.1 / −0.3% (before the attention score
// path got its own bandwidth, fitted to Dao 2023's PyTorch attention timings on an A100 and not to
// this table: +8.1 / +5.9 / +3.6 / +3.0 / +2.1%). The target is 5% each; the test allows
// 3%, today's errors with margin, so a change that moves a row by a few points fails here first.
import { MEGATRON_GPT } from '../../../simulator/model/transformer';
import { megatronPrediction } from '../../../simulator/parallel/megatron';
import { zooHardware, zooModel } from '../../helpers/scenarios';

describe('Megatron-LM Table 1 (Narayanan et al. 2021)', () => {
  const selene = zooHardware('selene-a100');
  test.each(MEGATRON_GPT.slice(0, 5).map((r) => [r.billions, r] as const))('%sB: predicted achieved TFLOP/s per GPU', (_b, row) => {
    const p = megatronPrediction(zooModel(`megatron-gpt-${row.billions}b`), selene, row);
    expect(p.fits).toBe(true);
    expect(Math.abs(p.tflops / row.tflops - 1)).toBeLessThan(0.03);
  });
});
