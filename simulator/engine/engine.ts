// The event engine: the only place simulated time advances. Schedule callbacks at absolute
// times; `run` fires them in (time, priority, sequence) order.
import { EventQueue } from './queue';

export class Engine {
  now = 0;
  private queue = new EventQueue();
  private fired = 0;

  schedule(time: number, fire: () => void, priority = 0): void {
    if (!(time >= this.now)) throw new Error(`event scheduled in the past (${time} < ${this.now})`);
    this.queue.push(time, priority, fire);
  }

  /** Runs until no event is left; returns the number of events fired. */
  run(): number {
    for (let e = this.queue.pop(); e; e = this.queue.pop()) {
      this.now = e.time;
      e.fire();
      this.fired++;
    }
    return this.fired;
  }
}
