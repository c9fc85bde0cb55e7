// A real text to train language models on, byte by byte: token = byte value, vocabulary 256 (no
// vocabulary file, any text works). Sample s of a run (a global index, as for the synthetic data)
// is a window of sequence+1 bytes starting at a position drawn from (seed, s): the same window
// whichever worker draws it, so every plan trains on the same data.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../paths';
import { Rng, streamKey } from './rng';

/** Byte-level tokens: one per byte value. */
export const BYTE_VOCABULARY = 256;

/** The text runs train on unless told otherwise (public domain; see scenarios/text/README.md). */
export const DEFAULT_TEXT_FILE = path.join(REPO_ROOT, 'scenarios', 'text', 'lincoln-1862-annual-message.txt');

export interface TokenBatch {
  /** [samples, sequence] input tokens. */
  tokens: Int32Array;
  /** [samples, sequence] next tokens: targets[i][t] = tokens[i][t + 1] in the text. */
  targets: Int32Array;
}

export class ByteText {
  readonly bytes: Uint8Array;
  constructor(bytes: Uint8Array, readonly source: string) {
    this.bytes = bytes;
  }

  static load(file = DEFAULT_TEXT_FILE): ByteText {
    return new ByteText(new Uint8Array(readFileSync(file)), file);
  }

  /** Windows of `sequence` tokens and their next tokens for `samples` (global sample indices). */
  batch(seed: number, samples: readonly number[], sequence: number): TokenBatch {
    const starts = this.bytes.length - sequence - 1;
    if (starts < 1) throw new Error(`${this.source}: ${this.bytes.length} bytes, too short for windows of ${sequence + 1}`);
    const tokens = new Int32Array(samples.length * sequence);
    const targets = new Int32Array(samples.length * sequence);
    samples.forEach((s, i) => {
      const at = new Rng(streamKey(seed, 'text', s)).int(starts + 1);
      for (let t = 0; t < sequence; t++) {
        tokens[i * sequence + t] = this.bytes[at + t];
        targets[i * sequence + t] = this.bytes[at + t + 1];
      }
    });
    return { tokens, targets };
  }
}

/** Bytes back to text (for showing what a model generates or reads). */
export const decodeBytes = (tokens: ArrayLike<number>): string => Buffer.from(Array.from(tokens)).toString('latin1');
