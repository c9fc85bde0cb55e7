// Growing a typed array: a copy of `a` in a new array of `size` elements (the engine's heap, flow
// table and task columns all grow this way).
export type Column = Uint8Array | Int32Array | Float64Array;

export function grown<T extends Column>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a.subarray(0, Math.min(a.length, size)));
  return b;
}
