// The event engine: the only place simulated time advances. A component registers a handler and
// gets an event kind; `schedule(time, kind, arg)` asks for `handler(arg)` at that absolute time;
// `run` fires events in (time, priority, sequence) order.
import { EventQueue } from './queue';

export type Handler = (arg: number) => void;

export class Engine {
  now = 0;
  private queue = new EventQueue();
  private handlers: Handler[] = [];
  private fired = 0;

  /** Registers what happens for a new kind of event; returns that kind. */
  on(handler: Handler): number {
    this.handlers.push(handler);
    return this.handlers.length - 1;
  }

  schedule(time: number, kind: number, arg: number, priority = 0): void {
    if (!(time >= this.now)) throw new Error(`event scheduled in the past (${time} < ${this.now})`);
    this.queue.push(time, priority, kind, arg);
  }

  /** Runs until no event is left; returns the number of events this engine has fired. */
  run(): number {
    const q = this.queue;
    const e = q.popped;
    const handlers = this.handlers;
    let fired = 0;
    while (q.pop()) {
      this.now = e.time;
      handlers[e.kind](e.arg);
      fired++;
    }
    this.fired += fired;
    return this.fired;
  }
}
