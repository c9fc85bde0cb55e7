// A Store in a local directory: each document one file, written to a temporary name beside it and
// renamed over it (rename is atomic within a file system), so no reader ever sees half a file.
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Store } from './store';

const TMP_SUFFIX = '.tmp';
let seq = 0;

export class DirStore implements Store {
  constructor(readonly where: string) {}

  private path(name: string): string {
    if (name.split('/').some((p) => p === '..' || p === '')) throw new Error(`store: bad document name "${name}"`);
    return join(this.where, ...name.split('/'));
  }

  async write(name: string, text: string): Promise<void> {
    const file = this.path(name);
    await mkdir(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${seq++}${TMP_SUFFIX}`;
    await writeFile(tmp, text);
    await rename(tmp, file);
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
        else if (!e.name.endsWith(TMP_SUFFIX)) {
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
