// A Store in a local directory: each document one file, written to a temporary name beside it and
// renamed over it (rename is atomic within a file system), so no reader ever sees half a file.
// A process stopped between the write and the rename leaves its temporary file: the store removes
// its own on exit, and a listing removes those of processes that are gone (their names carry the pid).
import { unlinkSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Store } from './store';

const TMP_SUFFIX = '.tmp';
let seq = 0;

/** Temporary files this process is writing: removed if it exits before renaming them. */
const inFlight = new Set<string>();
/** The writes themselves, so a signal can let them finish. */
const writing = new Set<Promise<void>>();
/** Set once a signal ends the process: no new write starts (its file could outlive the exit). */
let stopping = false;
let exitHook = false;
function removeInFlight(): void {
  for (const f of inFlight) {
    try {
      unlinkSync(f);
    } catch {
      // already renamed, or removed
    }
  }
}

function track(tmp: string): void {
  if (!exitHook) {
    exitHook = true;
    process.on('exit', removeInFlight);
    // SIGTERM and SIGHUP end a process without 'exit' unless someone handles them. Where nobody
    // does (a command with no shutdown of its own), remove the files and end as the signal would.
    for (const [sig, code] of [['SIGTERM', 143], ['SIGHUP', 129]] as const)
      if (process.listenerCount(sig) === 0)
        process.once(sig, () => {
          if (process.listenerCount(sig) > 0) return removeInFlight(); // someone else took over: let them end the process
          // A write's open() may still be queued in libuv's thread pool, to create the file after an
          // unlink now: let the writes in flight finish (they take milliseconds), then remove what is left.
          stopping = true;
          const settle = new Promise((r) => setTimeout(r, 1000).unref());
          void Promise.race([Promise.allSettled([...writing]), settle]).then(() => {
            removeInFlight();
            process.exit(code);
          });
        });
  }
  inFlight.add(tmp);
}

/** The pid in a temporary file's name (<name>.<pid>.<seq>.tmp), if it has one. */
const pidOf = (file: string): number | undefined => {
  const m = /\.(\d+)\.\d+\.tmp$/.exec(file);
  return m ? Number(m[1]) : undefined;
};

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

export class DirStore implements Store {
  constructor(readonly where: string) {}

  private path(name: string): string {
    if (name.split('/').some((p) => p === '..' || p === '')) throw new Error(`store: bad document name "${name}"`);
    return join(this.where, ...name.split('/'));
  }

  async write(name: string, text: string): Promise<void> {
    const file = this.path(name);
    await mkdir(dirname(file), { recursive: true });
    if (stopping) throw new Error(`store ${this.where}: the process is ending`);
    const tmp = `${file}.${process.pid}.${seq++}${TMP_SUFFIX}`;
    track(tmp);
    const done = (async () => {
      try {
        await writeFile(tmp, text);
        await rename(tmp, file);
      } catch (e) {
        await unlink(tmp).catch(() => undefined);
        throw e;
      } finally {
        inFlight.delete(tmp);
      }
    })();
    writing.add(done);
    try {
      await done;
    } finally {
      writing.delete(done);
    }
  }

  async read(name: string): Promise<string | undefined> {
    try {
      return await readFile(this.path(name), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const out: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw e;
      }
      for (const e of entries) {
        const p = join(dir, e.name);
        if (e.isDirectory()) await walk(p);
        else if (e.name.endsWith(TMP_SUFFIX)) {
          // An orphan of a process that was killed mid-write (SIGKILL, or a signal without a handler).
          const pid = pidOf(e.name);
          if (pid !== undefined && pid !== process.pid && !alive(pid)) await unlink(p).catch(() => undefined);
        } else {
          const name = relative(this.where, p).split(sep).join('/');
          if (name.startsWith(prefix)) out.push(name);
        }
      }
    };
    // Start at the deepest directory the prefix names whole.
    const slash = prefix.lastIndexOf('/');
    await walk(slash < 0 ? this.where : this.path(prefix.slice(0, slash)));
    return out.sort();
  }
}
