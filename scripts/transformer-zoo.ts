// Writes the transformer zoo (scenarios/models/*.json) from each model's published hyper-parameters:
//   npx tsc -p tsconfig.json && node dist/scripts/transformer-zoo.js
// Hugging Face parameter counts are what `model.num_parameters()` reports for the named checkpoint.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MEGATRON_GPT, megatronSpec, TransformerSpec, transformerModel } from '../simulator/model/transformer';

const gpt2 = (name: string, hidden: number, layers: number, heads: number, hf: string, count: number): TransformerSpec => ({
  name, family: 'decoder', layers, hidden, heads, ffn: 4 * hidden, activation: 'gelu', norm: 'layerNorm', normFirst: true,
  learnedPositions: true, positions: 1024, sequence: 1024, vocabulary: 50257, tied: true, bias: true, dropout: 0.1,
  source: `Radford et al. 2019, 'Language Models are Unsupervised Multitask Learners'; Hugging Face ${hf} config (n_embd ${hidden}, n_layer ${layers}, n_head ${heads}, n_positions 1024, vocab 50,257, dropout 0.1, LM head tied to wte)`,
  published: { parameters: count, source: `Hugging Face ${hf} num_parameters(): ${count.toLocaleString('en-US')}` },
});

const llama = (name: string, o: { hidden: number; ffn: number; layers: number; heads: number; kv: number; vocab: number; seq: number; hf: string; paper: string; count: number }): TransformerSpec => ({
  name, family: 'decoder', layers: o.layers, hidden: o.hidden, heads: o.heads, kvHeads: o.kv, ffn: o.ffn, activation: 'swiglu', norm: 'rmsNorm',
  normFirst: true, learnedPositions: false, positions: o.seq, sequence: o.seq, vocabulary: o.vocab, tied: false, bias: false,
  source: `${o.paper}; Hugging Face ${o.hf} config (hidden ${o.hidden}, intermediate ${o.ffn}, ${o.layers} layers, ${o.heads} heads, ${o.kv} key/value heads, vocabulary ${o.vocab}, context ${o.seq}, RMS norm, SwiGLU, rotary positions (no parameters), untied LM head, no biases)`,
  published: { parameters: o.count, source: `Hugging Face ${o.hf} num_parameters(): ${o.count.toLocaleString('en-US')}` },
});

const zoo: TransformerSpec[] = [
  gpt2('gpt2', 768, 12, 12, 'openai-community/gpt2', 124_439_808),
  gpt2('gpt2-xl', 1600, 48, 25, 'openai-community/gpt2-xl', 1_557_611_200),
  {
    name: 'gpt3-175b', family: 'decoder', layers: 96, hidden: 12288, heads: 96, ffn: 4 * 12288, activation: 'gelu', norm: 'layerNorm', normFirst: true,
    learnedPositions: true, positions: 2048, sequence: 2048, vocabulary: 50257, tied: true, bias: true,
    source: "Brown et al. 2020, 'Language Models are Few-Shot Learners', Table 2.1 (96 layers, d_model 12,288, 96 heads of 128, context 2,048) and §2.1 (GPT-2's architecture and BPE vocabulary of 50,257); all layers dense here (the paper alternates dense and locally banded sparse attention, which changes FLOPs, not parameters)",
    published: { parameters: 175.0e9, source: 'Brown et al. 2020, Table 2.1: 175.0B parameters (rounded)' },
  },
  llama('llama2-7b', { hidden: 4096, ffn: 11008, layers: 32, heads: 32, kv: 32, vocab: 32000, seq: 4096, hf: 'meta-llama/Llama-2-7b-hf', paper: "Touvron et al. 2023, 'Llama 2: Open Foundation and Fine-Tuned Chat Models'", count: 6_738_415_616 }),
  llama('llama2-70b', { hidden: 8192, ffn: 28672, layers: 80, heads: 64, kv: 8, vocab: 32000, seq: 4096, hf: 'meta-llama/Llama-2-70b-hf', paper: "Touvron et al. 2023, 'Llama 2: Open Foundation and Fine-Tuned Chat Models' (grouped-query attention, 8 key/value heads)", count: 68_976_648_192 }),
  llama('llama3-8b', { hidden: 4096, ffn: 14336, layers: 32, heads: 32, kv: 8, vocab: 128256, seq: 8192, hf: 'meta-llama/Meta-Llama-3-8B', paper: "Llama Team, AI @ Meta 2024, 'The Llama 3 Herd of Models', Table 3", count: 8_030_261_248 }),
  {
    name: 'bert-large', family: 'encoder', layers: 24, hidden: 1024, heads: 16, ffn: 4096, activation: 'gelu', norm: 'layerNorm', normFirst: false,
    learnedPositions: true, positions: 512, sequence: 512, vocabulary: 30522, tied: false, bias: true, dropout: 0.1, tokenTypes: 2,
    source: "Devlin et al. 2019, 'BERT: Pre-training of Deep Bidirectional Transformers' (BERT-large: 24 layers, hidden 1,024, 16 heads); Hugging Face google-bert/bert-large-uncased config (intermediate 4,096, vocabulary 30,522, 512 positions, 2 token types, post-LN, dropout 0.1); BertModel with its pooler, sequence 512",
    published: { parameters: 335_141_888, source: 'Hugging Face google-bert/bert-large-uncased BertModel num_parameters(): 335,141,888 (the paper rounds to 340M)' },
  },
  // BERT-large at the sequence lengths NVIDIA's DeepLearningExamples measure it (pre-training phase 1
  // at 128 tokens, SQuAD fine-tuning at 384): the same weights, the activations of that length.
  ...[128, 384].map((sequence): TransformerSpec => ({
    name: `bert-large-seq${sequence}`, family: 'encoder', layers: 24, hidden: 1024, heads: 16, ffn: 4096, activation: 'gelu', norm: 'layerNorm', normFirst: false,
    learnedPositions: true, positions: 512, sequence, vocabulary: 30522, tied: false, bias: true, dropout: 0.1, tokenTypes: 2,
    source: `BERT-large as bert-large.json (Devlin et al. 2019; Hugging Face google-bert/bert-large-uncased config), at sequence ${sequence}: NVIDIA DeepLearningExamples PyTorch/LanguageModeling/BERT runs pre-training phase 1 at 128 tokens and SQuAD fine-tuning at 384 (max_seq_length)`,
    published: { parameters: 335_141_888, source: 'Hugging Face google-bert/bert-large-uncased BertModel num_parameters(): 335,141,888 (independent of the sequence length)' },
  })),
  {
    name: 'vit-b16', family: 'vit', layers: 12, hidden: 768, heads: 12, ffn: 3072, activation: 'gelu', norm: 'layerNorm', normFirst: true,
    learnedPositions: true, positions: 197, sequence: 197, vocabulary: 0, tied: false, bias: true, image: { side: 224, channels: 3, patch: 16, classes: 1000 },
    source: "Dosovitskiy et al. 2021, 'An Image is Worth 16x16 Words' Table 1 (ViT-Base: 12 layers, hidden 768, MLP 3,072, 12 heads), patch 16 on 224×224 images (196 patches + class token); Hugging Face google/vit-base-patch16-224 (ViTForImageClassification, 1,000 classes)",
    published: { parameters: 86_567_656, source: 'Hugging Face google/vit-base-patch16-224 num_parameters(): 86,567,656 (the paper rounds to 86M)' },
  },
  ...MEGATRON_GPT.map(megatronSpec),
];

const dir = join(__dirname, '..', '..', 'scenarios', 'models');
for (const spec of zoo) {
  const file = join(dir, `${spec.name}.json`);
  writeFileSync(file, `${JSON.stringify(transformerModel(spec), null, 1).replace(/\n\s+(?=[^\s{[])/g, ' ').replace(/\n\s*([}\]])/g, ' $1')}\n`);
  console.log(file);
}
