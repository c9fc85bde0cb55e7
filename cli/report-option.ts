// The `--report <file>` option the simulating commands share, and the line that says where it went.
import type { Command } from 'commander';

export function reportOption(cmd: Command): Command {
  return cmd.option('--report <file>', 'also write a self-contained HTML report with charts (see docs/report.md)');
}

export const reportWritten = (file: string, bytes: number): string => `report: ${file} (${(bytes / 1e6).toFixed(1)} MB; open it in a browser)`;

/** The command line as typed, for the report's header. */
export const commandLine = (): string => `trainplan ${process.argv.slice(2).join(' ')}`;
