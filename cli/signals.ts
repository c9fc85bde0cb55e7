// SIGINT (Ctrl-C) and SIGTERM (what `timeout`, systemd and job runners send) for commands that hold
// resources outside this process: child processes, an embedded S3 server's directory, objects in a
// store. The first signal aborts the command's AbortSignal (its reason is the signal's name) so it
// can stop its workers and delete what it made, then exit 130 or 143; a second signal, or cleanup
// still running after STOP_DEADLINE_MS, exits at once with the same status.
import { SIGNAL_EXIT, StopSignal } from '../runtime/errors';

/** The bound is 2 s from the signal to the exit; cleanup gets this much of it. */
export const STOP_DEADLINE_MS = 1800;

export interface SignalScope {
  signal: AbortSignal;
  /** Removes the handlers (the command finished, or was stopped and cleaned up). */
  dispose(): void;
}

export function onStopSignals(): SignalScope {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const handler = (sig: StopSignal) => {
    if (abort.signal.aborted) process.exit(SIGNAL_EXIT[sig]);
    abort.abort(sig);
    timer = setTimeout(() => {
      process.stderr.write(`trainplan: interrupted by ${sig}: cleanup did not finish within ${STOP_DEADLINE_MS / 1000} s; exiting\n`);
      process.exit(SIGNAL_EXIT[sig]);
    }, STOP_DEADLINE_MS);
    timer.unref();
  };
  const onInt = () => handler('SIGINT');
  const onTerm = () => handler('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    signal: abort.signal,
    dispose() {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      if (timer) clearTimeout(timer);
      // Cleaned up: should anything still hold the event loop open, leave anyway (silently).
      const sig = abort.signal.reason as StopSignal | undefined;
      if (sig) setTimeout(() => process.exit(SIGNAL_EXIT[sig]), 200).unref();
    },
  };
}
