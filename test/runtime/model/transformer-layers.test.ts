// The token embedding is a table lookup on every backend, a vocabulary slice gives the rows it owns
// and zeros elsewhere (the ranks' sum is the lookup), and the vocabulary-parallel loss over two
// slices equals the loss over the whole vocabulary.
import * as tf from '@tensorflow/tfjs-core';
import { activateBackend } from '../../../runtime/backends';
import { layerImpl } from '../../../runtime/model/layers';
import { vocabParallelCrossEntropy } from '../../../runtime/model/vocab-loss';
import { softmaxCrossEntropy } from '../../../runtime/model/loss';
import { modelFrom } from '../../helpers/scenarios';
import { rankOrderRing, ringAllReduce, ringAllReduceMax } from '../../../runtime/collectives';
import { memoryGroup } from '../helpers';

const model = modelFrom({ name: 'emb', input: [3], layers: [{ name: 'e', type: 'tokenEmbedding', vocabulary: 6, hidden: 2 }] });
const ctx = { training: true, seed: 1, step: 0, samples: [0] };
const tableValues = [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9], [10, 11]];

describe.each(['cpu', 'wasm'])('on %s', (backend) => {
  beforeAll(async () => {
    await activateBackend(backend);
  });

  test('token embedding: whole table and vocabulary slices', () => {
    const table = tf.tensor2d(tableValues);
    const ids = tf.tensor2d([[5, 0, 3]], [1, 3], 'int32');
    const impl = layerImpl('tokenEmbedding');
    const whole = impl.forward(model.layers[0], [ids], [table], null, ctx);
    expect(Array.from(whole.dataSync())).toEqual([10, 11, 0, 1, 6, 7]);
    const low = impl.forward(model.layers[0], [ids], [tf.slice(table, [0, 0], [3, 2])], [0, 3], ctx);
    const high = impl.forward(model.layers[0], [ids], [tf.slice(table, [3, 0], [3, 2])], [3, 6], ctx);
    expect(Array.from(low.dataSync())).toEqual([0, 0, 0, 1, 0, 0]);
    expect(Array.from(tf.add(low, high).dataSync())).toEqual(Array.from(whole.dataSync()));
  });

  test('vocabulary-parallel loss over two slices = the loss over the whole vocabulary', async () => {
    const logits = tf.tensor2d([[1, 2, 0.5, -1, 3], [0, 0, 4, 1, -2]]);
    const targets = Int32Array.from([4, 1]);
    const ref = softmaxCrossEntropy(logits, targets, 0.5);
    // Two ranks in one thread, reducing through a memory transport as the executor does.
    const ts = memoryGroup(2);
    const reduce = (r: number) => {
      let k = 0;
      const ring = rankOrderRing(r, 2);
      return { max: (v: Float32Array) => ringAllReduceMax(ts[r], ring, v, `max${k++}`), sum: (v: Float32Array) => ringAllReduce(ts[r], ring, v, `sum${k++}`) };
    };
    const slices = [tf.slice(logits, [0, 0], [2, 2]), tf.slice(logits, [0, 2], [2, 3])];
    const [r0, r1] = await Promise.all([
      vocabParallelCrossEntropy(slices[0] as tf.Tensor2D, targets, 0, 0.5, reduce(0)),
      vocabParallelCrossEntropy(slices[1] as tf.Tensor2D, targets, 2, 0.5, reduce(1)),
    ]);
    expect(r0.lossSum).toBeCloseTo(ref.lossSum, 5);
    expect(r1.lossSum).toBeCloseTo(ref.lossSum, 5);
    const joined = tf.concat([r0.dlogits, r1.dlogits], 1).dataSync();
    Array.from(ref.dlogits.dataSync()).forEach((v, i) => expect(joined[i]).toBeCloseTo(v, 6));
  });
});
