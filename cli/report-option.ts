// What the commands with `--report <file>` share: its help, writing it, and the line that says where it went.
import { writeReport, type ReportInput } from '../report';

export const REPORT_HELP = 'also write a self-contained HTML report with charts (see docs/report.md)';

export const reportWritten = (file: string, bytes: number): string => `report: ${file} (${(bytes / 1e6).toFixed(1)} MB; open it in a browser)`;

/** The command line as typed, for the report's header. */
export const commandLine = (): string => `trainplan ${process.argv.slice(2).join(' ')}`;

/** `--report FILE` of simulate, sweep, tune and validate: writes the report and says where on stderr. */
export function writeReportOption(file: string | undefined, input: Omit<ReportInput, 'command'>): void {
  if (file) process.stderr.write(reportWritten(file, writeReport(file, { command: commandLine(), ...input }).bytes) + '\n');
}
