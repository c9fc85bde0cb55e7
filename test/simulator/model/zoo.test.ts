// Every zoo model against the figures its source publishes (the `published` block of the file,
// whose text names the source): parameters within 1% (or within the rounding of a figure published
// to fewer digits, like Megatron-LM's "1.7B"), forward FLOPs within 3%.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, zooModel } from '../../helpers/scenarios';

const models = readdirSync(join(ROOT, 'scenarios', 'models')).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));

/** Half a unit of the last significant digit of a published figure (1.7e9: 5e7). */
function halfLastDigit(x: number): number {
  let unit = 10 ** Math.floor(Math.log10(x));
  while (Math.abs(Math.round(x / unit) * unit - x) > 1e-9 * x) unit /= 10;
  return unit / 2;
}

describe('model zoo', () => {
  test('has the models the foundation issue lists', () => {
    for (const m of ['alexnet-owt', 'alexnet-owt-separable', 'vgg16', 'resnet50', 'inception-v1', 'mobilenet-v1', 'xception', 'c3d', 'mini-owt',
      'gpt2', 'gpt2-xl', 'gpt3-175b', 'llama2-7b', 'llama2-70b', 'llama3-8b', 'bert-large', 'vit-b16', 'megatron-gpt-1.7b', 'megatron-gpt-39.1b'])
      expect(models).toContain(m);
  });

  test.each(models)('%s names its source and loads', (name) => {
    const m = zooModel(name);
    expect(m.model.source?.length).toBeGreaterThan(10);
    expect(m.parameters).toBeGreaterThan(0);
  });

  const published = models.filter((n) => zooModel(n).model.published);
  test.each(published)('%s matches its published parameter count within 1% and FLOPs within 3%', (name) => {
    const m = zooModel(name);
    const pub = m.model.published!;
    if (pub.parameters) expect(Math.abs(m.parameters - pub.parameters)).toBeLessThanOrEqual(Math.max(0.01 * pub.parameters, halfLastDigit(pub.parameters)));
    if (pub.forwardFlops) expect(Math.abs(m.forwardFlops / pub.forwardFlops - 1)).toBeLessThan(0.03);
  });

  test('alexnet-owt is exactly torchvision AlexNet: 61,100,840 parameters, 0.714 GMACs', () => {
    const m = zooModel('alexnet-owt');
    expect(m.parameters).toBe(61_100_840);
    expect(m.forwardFlops / 2 / 1e9).toBeCloseTo(0.714, 2);
    expect(m.layers.map((l) => l.name)).toEqual(['conv1', 'pool1', 'conv2', 'pool2', 'conv3', 'conv4', 'conv5', 'pool5', 'fc6', 'fc7', 'fc8']);
    expect(m.layers[m.index.get('pool5')!].outputShape).toEqual([6, 6, 256]);
  });

  test('resnet50 has residual adds and inception-v1 has concats; c3d is 3D', () => {
    expect(zooModel('resnet50').layers.filter((l) => l.type === 'add').length).toBe(16);
    expect(zooModel('inception-v1').layers.filter((l) => l.type === 'concat').length).toBe(9);
    expect(zooModel('c3d').model.input).toEqual([16, 112, 112, 3]);
  });

  test('the separable AlexNet keeps the shapes of the full one with fewer conv FLOPs', () => {
    const a = zooModel('alexnet-owt');
    const s = zooModel('alexnet-owt-separable');
    expect(s.layers.map((l) => l.outputShape)).toEqual(a.layers.map((l) => l.outputShape));
    expect(s.forwardFlops).toBeLessThan(a.forwardFlops);
  });
});
