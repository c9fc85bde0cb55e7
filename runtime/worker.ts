// Entry point of every worker thread (piscina loads the compiled dist/runtime/worker.js):
// one task per thread at a time, dispatched on the protocol's `kind`.
import type { Message, Task } from './protocol';
import { train } from './train';
import { benchCompute, benchInterference, benchTransport } from './calibrate-worker';

// Worker threads share the process's stdout, which carries the CLI's --json document: anything a
// library prints from here goes to stderr instead.
console.log = console.error;
console.info = console.error;

async function dispatch(task: Task): Promise<Message> {
  switch (task.kind) {
    case 'train':
      return train(task);
    case 'bench-compute':
      return benchCompute(task);
    case 'bench-transport':
      return benchTransport(task);
    case 'bench-interference':
      return benchInterference(task);
  }
}

export default async function handle(task: Task): Promise<Message> {
  const result = await dispatch(task);
  // Ports are ordered: once 'done' arrives, every earlier progress message has too.
  task.progress.postMessage({ kind: 'done' } satisfies Message);
  return result;
}
