// Transport kinds by name; a second registration under one name is a programming error.
import type { TransportKind } from './transport';

const kinds = new Map<string, TransportKind>();

export function registerTransport<S>(kind: TransportKind<S>): void {
  if (kinds.has(kind.name)) throw new Error(`transport ${kind.name} registered twice`);
  kinds.set(kind.name, kind as TransportKind);
}

export function transportKind(name: string): TransportKind | undefined {
  return kinds.get(name);
}

export function transportNames(): string[] {
  return [...kinds.keys()];
}
