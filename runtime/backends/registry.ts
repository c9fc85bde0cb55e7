// Backends by name; a second registration under one name is a programming error.
import type { Backend } from './backend';

const backends = new Map<string, Backend>();

export function registerBackend(b: Backend): void {
  if (backends.has(b.name)) throw new Error(`backend ${b.name} registered twice`);
  backends.set(b.name, b);
}

export function backendNamed(name: string): Backend | undefined {
  return backends.get(name);
}

export function allBackends(): Backend[] {
  return [...backends.values()].sort((a, b) => b.preference - a.preference);
}
