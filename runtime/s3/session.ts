// The store behind a run on the s3 transport: the endpoint the user named, or — with none — an
// embedded S3 server started for the run and stopped after it (DESIGN: the local default). Whatever
// a run leaves in the store (a failed run never deletes its objects) is deleted when it ends.
import type { TransportSpec } from '../transports/transport';
import { deleteRun, S3Setup } from '../transports/s3';
import type { EmbeddedS3 } from './server';

export interface StoreSession {
  /** The spec to run with: the user's, with the embedded server's endpoint filled in when it started one. */
  spec: TransportSpec;
  /** The embedded server, when this session started one. */
  embedded?: EmbeddedS3;
  /** Deletes what the run left under its prefix (given its setup), then stops the embedded server. */
  close(setup?: unknown): Promise<void>;
}

/** Opens the store a spec needs (nothing for other transports). */
export async function openStoreSession(spec: TransportSpec): Promise<StoreSession> {
  if (spec.kind !== 's3') return { spec, close: async () => {} };
  // Loaded here, not at the top: s3rver alone takes ~130 ms to load, which no other command should pay.
  const { startEmbeddedS3 } = require('./server') as typeof import('./server');
  const { S3ObjectStore } = require('./s3-objects') as typeof import('./s3-objects');
  const embedded = spec.endpoint === undefined && !process.env.AWS_ENDPOINT_URL_S3 && !process.env.AWS_ENDPOINT_URL ? await startEmbeddedS3({ buckets: [(spec.bucket as string | undefined) ?? 'trainplan'], private: true }) : undefined;
  // The embedded server's own credentials, whatever AWS_* keys the environment holds (those are for real endpoints).
  const withEndpoint: TransportSpec = embedded ? { ...spec, endpoint: embedded.endpoint, createBucket: true, credentials: embedded.credentials } : spec;
  return {
    spec: withEndpoint,
    embedded,
    async close(setup?: unknown) {
      try {
        const s = setup as S3Setup | undefined;
        if (s?.runId && !embedded) {
          // Best effort, briefly: the store may be the reason the run failed.
          const store = new S3ObjectStore({ ...s.store, retry: { totalSeconds: 2 } });
          await deleteRun(store, s.runId).catch(() => undefined);
          store.destroy();
        }
      } finally {
        await embedded?.stop();
      }
    },
  };
}
