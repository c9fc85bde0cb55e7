// `trainplan report` and `--report`: one self-contained HTML file of charts (see docs/report.md).
export { writeReport } from './write';
export { collect, type ReportInput } from './collect';
export { renderHtml, SECTIONS } from './html';
export { TuneDocument } from './tune-document';
export { ValidateDocument } from './validate-document';
export type { ReportData } from './data';
