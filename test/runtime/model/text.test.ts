// The shipped text and its byte tokens: real prose, windows that depend only on (seed, sample).
import { ByteText, decodeBytes, DEFAULT_TEXT_FILE } from '../../../runtime/model/text';

const text = ByteText.load();

test('the shipped text is the 1862 annual message, a few tens of KB', () => {
  expect(text.source).toBe(DEFAULT_TEXT_FILE);
  expect(text.bytes.length).toBeGreaterThan(40_000);
  expect(text.bytes.length).toBeLessThan(60_000);
  expect(decodeBytes(text.bytes.subarray(0, 20))).toBe('Fellow-Citizens of t');
  expect(decodeBytes(text.bytes)).toContain('the last best hope of earth');
});

test('targets are the inputs shifted by one byte of the text', () => {
  const { tokens, targets } = text.batch(7, [0, 1, 2], 16);
  for (let i = 0; i < 3; i++) {
    const w = decodeBytes(tokens.subarray(i * 16, i * 16 + 16));
    const at = decodeBytes(text.bytes).indexOf(w + String.fromCharCode(targets[i * 16 + 15]));
    expect(at).toBeGreaterThanOrEqual(0);
    expect(Array.from(tokens.subarray(i * 16 + 1, i * 16 + 16))).toEqual(Array.from(targets.subarray(i * 16, i * 16 + 15)));
  }
});

test('sample s is the same window in any batch that holds it; another seed draws other windows', () => {
  const all = text.batch(3, [10, 11, 12, 13], 8);
  const part = text.batch(3, [12, 13], 8);
  expect(Array.from(part.tokens)).toEqual(Array.from(all.tokens.subarray(16)));
  expect(Array.from(text.batch(4, [10], 8).tokens)).not.toEqual(Array.from(all.tokens.subarray(0, 8)));
});

test('a text shorter than a window is a clear error', () => {
  expect(() => new ByteText(new Uint8Array(5), 'tiny.txt').batch(1, [0], 8)).toThrow(/tiny.txt: 5 bytes, too short/);
});
