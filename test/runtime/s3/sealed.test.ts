// Sealed objects: a reader never takes a partly written object for a whole one.
import fc from 'fast-check';
import { seal, unseal } from '../../../runtime/s3/sealed';

test('a sealed payload unseals to itself', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (p) => {
    const u = unseal(seal(p));
    expect(u && Buffer.from(u).equals(Buffer.from(p))).toBe(true);
  }));
});

test('no strict prefix of a sealed object passes for a whole one', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (p) => {
    const s = seal(p);
    for (let n = 0; n < s.length; n++) expect(unseal(s.subarray(0, n))).toBeNull();
  }));
});

test('sealing copies: the caller may reuse its buffer at once', () => {
  const p = new Uint8Array([1, 2, 3]);
  const s = seal(p);
  p[0] = 9;
  expect(Array.from(unseal(s)!)).toEqual([1, 2, 3]);
});
