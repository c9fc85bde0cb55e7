// Progress of long jobs on stderr, whatever stdout carries (a --json document stays clean): a bar
// on a terminal; elsewhere (a job runner's log, a pipe) one plain line every LINE_SECONDS, so a
// long job in a batch system still shows it is alive and how far it got.
import { SingleBar, Presets } from 'cli-progress';

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

/** Seconds between progress lines where stderr is not a terminal: jobs shorter than this print none. */
export const LINE_SECONDS = 10;

export function progressBar(label: string): Progress {
  if (!process.stderr.isTTY) return progressLines(label);
  const bar = new SingleBar({ format: `${label} [{bar}] {value}/{total} {percentage}% eta {eta_formatted}`, stream: process.stderr, hideCursor: true }, Presets.shades_classic);
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.setTotal(total);
      bar.update(done);
    },
    stop: () => started && bar.stop(),
  };
}

function progressLines(label: string): Progress {
  const t0 = performance.now();
  let next = t0 + LINE_SECONDS * 1000;
  return {
    update(done, total) {
      const now = performance.now();
      if (now < next || done >= total) return;
      next = now + LINE_SECONDS * 1000;
      process.stderr.write(`${label}: ${done}/${total} (${Math.floor((100 * done) / Math.max(total, 1))}%) after ${Math.round((now - t0) / 1000)} s\n`);
    },
    stop: () => undefined,
  };
}
