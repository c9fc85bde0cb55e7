// The transformer layers and zoo: parameter counts as Hugging Face counts them, training FLOPs per
// token against 6N + attention (Kaplan et al. 2020; Narayanan et al. 2021 eq. 3), activation
// memory against Korthikanti et al. 2022, and how each layer splits under tensor parallelism.
import { MEGATRON_GPT, megatronSpec, transformerModel } from '../../../simulator/model/transformer';
import type { AnalyzedModel } from '../../../simulator/model/analyze';
import { modelFrom, zooModel } from '../../helpers/scenarios';

const HF_EXACT: Record<string, number> = {
  gpt2: 124_439_808, 'gpt2-xl': 1_557_611_200, 'llama2-7b': 6_738_415_616, 'llama2-70b': 68_976_648_192,
  'llama3-8b': 8_030_261_248, 'bert-large': 335_141_888, 'vit-b16': 86_567_656,
};

/** Parameters that are looked up, not multiplied: token tables (unless tied to the head), positions, token types. */
function lookupParameters(m: AnalyzedModel): number {
  const tied = m.layers.some((l) => l.type === 'lmHead' && (l.layer as { tiedTo?: string }).tiedTo);
  return m.layers.filter((l) => (l.type === 'tokenEmbedding' && !tied) || l.type === 'positionEmbedding' || l.type === 'tokenTypeEmbedding')
    .reduce((a, l) => a + l.parameters, 0);
}

/** 6 × the parameters that multiply (Kaplan et al. 2020 Table 1, plus the output layer) + 12·l·s·(heads·headDim) for the attention scores. */
function standardFlopsPerToken(m: AnalyzedModel): number {
  const s = m.model.input[0];
  const attn = m.layers.filter((l) => l.type === 'attention');
  const width = attn.reduce((a, l) => a + (l.layer as { heads: number }).heads * (l.inputShapes[0][1] / (l.layer as { heads: number }).heads), 0);
  return 6 * (m.parameters - lookupParameters(m)) + 12 * s * width;
}

describe('transformer zoo', () => {
  test.each(Object.entries(HF_EXACT))('%s has exactly the Hugging Face parameter count', (name, count) => {
    expect(zooModel(name).parameters).toBe(count);
  });

  test('GPT-3 175B is 175.0B as Brown et al. round it (within 0.5%)', () => {
    expect(Math.abs(zooModel('gpt3-175b').parameters / 175e9 - 1)).toBeLessThan(0.005);
  });

  test.each(MEGATRON_GPT.map((r) => [r.billions, r] as const))('Megatron-LM %sB rounds to its Table 1 size and matches its formula', (_b, r) => {
    const m = zooModel(`megatron-gpt-${r.billions}b`);
    expect(Math.round(m.parameters / 1e8) / 10).toBeCloseTo(r.billions, 5);
    // Narayanan et al. 2021 §5.1: P = 12·l·h²·(1 + 13/(12h) + (V + s)/(12·l·h)); the final layer norm (2h) is left out there.
    const { layers: l, hidden: h } = r;
    expect(m.parameters - 2 * h).toBe(Math.round(12 * l * h * h * (1 + 13 / (12 * h) + (51200 + 2048) / (12 * l * h))));
  });

  const decoders = ['gpt2', 'gpt2-xl', 'gpt3-175b', 'llama2-7b', 'llama2-70b', 'llama3-8b', ...MEGATRON_GPT.map((r) => `megatron-gpt-${r.billions}b`)];
  test.each(decoders)('%s: training FLOPs per token within 1%% of 6N + attention', (name) => {
    const m = zooModel(name);
    const perToken = (m.forwardFlops + m.backwardFlops) / m.model.input[0];
    expect(Math.abs(perToken / standardFlopsPerToken(m) - 1)).toBeLessThan(0.01);
  });

  test.each(MEGATRON_GPT.slice(0, 5).map((r) => [r.billions, r] as const))('Megatron-LM %sB: FLOPs per step within 1%% of eq. 3 without recomputation (72·B·s·l·h²·(1 + s/6h + V/12lh))', (_b, r) => {
    const m = zooModel(`megatron-gpt-${r.billions}b`);
    const s = 2048;
    const eq3 = 72 * s * r.layers * r.hidden ** 2 * (1 + s / (6 * r.hidden) + 51200 / (12 * r.layers * r.hidden));
    expect(Math.abs((m.forwardFlops + m.backwardFlops) / eq3 - 1)).toBeLessThan(0.01);
  });
});

describe('transformer layers', () => {
  const gpt = modelFrom(transformerModel({ ...megatronSpec(MEGATRON_GPT[0]), layers: 1 }));
  const at = (name: string) => gpt.layers[gpt.index.get(name)!];

  test('a block keeps 34·s·h + 5·a·s² bytes at 16-bit activations (Korthikanti et al. 2022 eq. 1)', () => {
    const s = 2048, h = 2304, a = 24;
    const block = ['h0.norm1', 'h0.attn', 'h0.add1', 'h0.norm2', 'h0.mlp', 'h0.add2'].map(at);
    const bytes = block.reduce((x, l) => x + 2 * (l.stash.splitValues + l.stash.wholeValues) + l.stash.splitBytes + l.stash.wholeBytes, 0);
    expect(bytes).toBe(s * h * 34 + 5 * a * s * s);
    // With tensor parallelism t: 10sbh whole, (24sbh + 5as²b)/t split (their eq. 2).
    const whole = block.reduce((x, l) => x + 2 * l.stash.wholeValues + l.stash.wholeBytes, 0);
    expect(whole).toBe(10 * s * h);
    const core = block.reduce((x, l) => x + 2 * l.stash.coreValues + l.stash.coreBytes, 0);
    expect(core).toBe(5 * a * s * s);
  });

  test('attention and MLP reduce once forward and once backward; the head and loss split the vocabulary', () => {
    const s = 2048, h = 2304;
    expect(at('h0.attn').split).toMatchObject({ over: 'heads', units: 24, even: true, forwardReduce: s * h, backwardReduce: s * h });
    expect(at('h0.mlp').split).toMatchObject({ over: 'units', units: 4 * h, forwardReduce: s * h, backwardReduce: s * h });
    expect(at('h0.norm1').split.over).toBe('none');
    expect(at('tokens').split).toMatchObject({ over: 'vocabulary', forwardReduce: s * h, backwardReduce: 0 });
    expect(at('lmHead').split).toMatchObject({ over: 'vocabulary', output: 'sharded', forwardReduce: 0, backwardReduce: s * h });
    expect(at('loss').split).toMatchObject({ over: 'vocabulary', forwardReduce: 3 * s });
    // Row-parallel output biases stay whole on every rank.
    expect(at('h0.attn').parameters - at('h0.attn').split.splitParameters).toBe(h);
  });

  test('grouped-query attention: K and V projections shrink with kvHeads', () => {
    const m = modelFrom({ name: 'g', input: [16, 64], layers: [{ name: 'a', type: 'attention', heads: 8, kvHeads: 2, useBias: false }] });
    expect(m.parameters).toBe(64 * 64 * 2 + 2 * 64 * 16);
  });

  test('bad transformer layers are refused naming the field', () => {
    const bad = (layers: unknown[], input = [16, 64]) => {
      try { modelFrom({ name: 'x', input, layers }); return ''; } catch (e) { return (e as Error).message; }
    };
    expect(bad([{ name: 'a', type: 'attention', heads: 6 }])).toMatch(/layers\[0\]\.heads: 6 heads do not divide hidden size 64/);
    expect(bad([{ name: 'a', type: 'attention', heads: 8, kvHeads: 3 }])).toMatch(/layers\[0\]\.kvHeads/);
    expect(bad([{ name: 'p', type: 'positionEmbedding', positions: 8 }])).toMatch(/layers\[0\]\.positions: a sequence of 16 is longer/);
    expect(bad([{ name: 't', type: 'tokenEmbedding', vocabulary: 10, hidden: 8 }, { name: 'h', type: 'lmHead', vocabulary: 11, tiedTo: 't' }], [16]))
      .toMatch(/layers\[1\]\.tiedTo: "t" has vocabulary 10, this layer 11/);
    expect(bad([{ name: 'h', type: 'lmHead', vocabulary: 11, tiedTo: 'nope' }])).toMatch(/layers\[0\]\.tiedTo: no layer named "nope"/);
  });

  test('a depthwise layer splits over its input channels, as the runtime splits it', () => {
    const m = modelFrom({ name: 'd', input: [8, 8, 2], layers: [{ name: 'dw', type: 'depthwiseConv2d', kernel: 3, depthMultiplier: 2, padding: 'same' }] });
    expect(m.layers[0].split).toMatchObject({ over: 'channels', units: 2, unitOutputs: 2 });
    expect(m.layers[0].splitUnits).toBe(2);
  });
});
