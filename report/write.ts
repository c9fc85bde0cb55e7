// Writing a report file: collect, render, write atomically.
import { writeAtomic } from '../simulator/trace';
import { collect, type ReportInput } from './collect';
import { renderHtml } from './html';

export function writeReport(file: string, input: ReportInput): { bytes: number } {
  const html = renderHtml(collect(input));
  writeAtomic(file, html);
  return { bytes: Buffer.byteLength(html) };
}
