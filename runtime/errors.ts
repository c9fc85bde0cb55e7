// Failures of a real run: which worker, at which step, and why. User mistakes (a plan the runtime
// cannot execute, an unknown backend) are simulator/errors.ts UserErrors instead.
export class RunError extends Error {
  constructor(readonly rank: number | null, readonly step: number | null, readonly reason: string) {
    super(`${rank === null ? 'the run' : `worker ${rank}`} failed ${step === null ? 'while setting up' : `at step ${step}`}: ${reason}`);
    this.name = 'RunError';
  }
}

/** Thrown inside a worker to carry the step it failed at. */
export class StepFailure extends Error {
  constructor(readonly step: number | null, readonly original: Error) {
    super(original.message);
    this.name = 'StepFailure';
  }
}

/** Exit statuses of a process ended by a signal, by the shell's convention (128 + the signal's number). */
export const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;
export type StopSignal = keyof typeof SIGNAL_EXIT;

/** A command stopped by SIGINT or SIGTERM after it kept (or cleaned up) what it had done: exits 128 + the signal's number. */
export class Interrupted extends Error {
  constructor(readonly signal: StopSignal, what: string) {
    super(`interrupted by ${signal}: ${what}`);
    this.name = 'Interrupted';
  }

  get exitCode(): number {
    return SIGNAL_EXIT[this.signal];
  }
}

/** A run stopped by a signal, after its workers were stopped and what it stored deleted (or what could not be). */
export class RunInterrupted extends Interrupted {
  constructor(signal: StopSignal, readonly leftBehind: string[] = []) {
    super(signal, `workers stopped${leftBehind.length ? `; could not delete ${leftBehind.join(', ')}` : ', temporary files and stored objects deleted'}`);
  }
}

/** The signal an AbortSignal was aborted with (its reason), when it was one of ours. */
export function stopSignalOf(signal: AbortSignal | undefined): StopSignal | undefined {
  const r = signal?.aborted ? signal.reason : undefined;
  return r === 'SIGINT' || r === 'SIGTERM' ? r : undefined;
}
