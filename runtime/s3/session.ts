// The store behind a run on the s3 transport: the endpoint the user named, or — with none — an
// embedded S3 server started for the run and stopped after it (DESIGN: the local default). Whatever
// a run leaves in the store (a failed run never deletes its objects) is deleted when it ends.
import type { TransportSpec } from '../transports/transport';
import { runPrefix, S3Setup } from '../transports/s3';
import { deleteRunObjects } from '../processes/protocol';
import type { EmbeddedS3 } from './server';

export interface StoreSession {
  /** The spec to run with: the user's, with the embedded server's endpoint filled in when it started one. */
  spec: TransportSpec;
  /** The embedded server, when this session started one. */
  embedded?: EmbeddedS3;
  /**
   * Deletes what the run left under its prefix (given its setup), then stops the embedded server
   * (which removes its directory). Resolves with what could not be deleted, in words, or undefined.
   * `quick`: the run was interrupted and the process must exit within seconds, so an unreachable
   * store is tried for QUICK_CLEANUP_SECONDS only; otherwise for the setup's whole retry policy (a
   * store that was down long enough to fail the run may be back by now).
   */
  close(setup?: unknown, o?: { quick?: boolean }): Promise<string | undefined>;
}

/** How long an interrupted run tries to delete its objects from an external store. */
export const QUICK_CLEANUP_SECONDS = 1.2;

/** Opens the store a spec needs (nothing for other transports). */
export async function openStoreSession(spec: TransportSpec): Promise<StoreSession> {
  if (spec.kind !== 's3') return { spec, close: async () => undefined };
  // Loaded here, not at the top: s3rver alone takes ~130 ms to load, which no other command should pay.
  const { startEmbeddedS3 } = require('./server') as typeof import('./server');
  const { S3ObjectStore } = require('./s3-objects') as typeof import('./s3-objects');
  const embedded = spec.endpoint === undefined && !process.env.AWS_ENDPOINT_URL_S3 && !process.env.AWS_ENDPOINT_URL ? await startEmbeddedS3({ buckets: [(spec.bucket as string | undefined) ?? 'trainplan'], private: true }) : undefined;
  // The embedded server's own credentials, whatever AWS_* keys the environment holds (those are for real endpoints).
  const withEndpoint: TransportSpec = embedded ? { ...spec, endpoint: embedded.endpoint, createBucket: true, credentials: embedded.credentials } : spec;
  return {
    spec: withEndpoint,
    embedded,
    async close(setup?: unknown, o: { quick?: boolean } = {}) {
      try {
        const s = setup as S3Setup | undefined;
        if (!s?.runId || embedded) return undefined;
        const retry = o.quick ? { ...s.store.retry, totalSeconds: QUICK_CLEANUP_SECONDS, maxDelaySeconds: 0.3 } : s.store.retry;
        const store = new S3ObjectStore({ ...s.store, retry });
        try {
          await deleteRunObjects(store, s.runId);
          return undefined;
        } catch (e) {
          return `${store.where}/${runPrefix(s.runId)} (${(e as Error).message})`;
        } finally {
          store.destroy();
        }
      } finally {
        await embedded?.stop();
      }
    },
  };
}
