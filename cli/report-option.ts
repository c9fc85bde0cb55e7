// What the commands with `--report <file>` share: its help, and the line that says where it went.

export const REPORT_HELP = 'also write a self-contained HTML report with charts (see docs/report.md)';

export const reportWritten = (file: string, bytes: number): string => `report: ${file} (${(bytes / 1e6).toFixed(1)} MB; open it in a browser)`;

/** The command line as typed, for the report's header. */
export const commandLine = (): string => `trainplan ${process.argv.slice(2).join(' ')}`;
