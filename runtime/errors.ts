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
