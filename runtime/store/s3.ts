// A Store under an S3 prefix: each document one object (a PUT is atomic: readers see the old
// object or the new one, never a mix), every request through the runtime's retry policy.
import type { S3Config } from '../s3/client';
import { S3ObjectStore } from '../s3/s3-objects';
import type { Store } from './store';

export class S3Store implements Store {
  readonly where: string;
  private readonly objects: S3ObjectStore;
  private readonly prefix: string;

  constructor(config: S3Config, prefix: string) {
    this.objects = new S3ObjectStore(config);
    this.prefix = prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix;
    this.where = `s3://${config.bucket}/${this.prefix}`;
  }

  write(name: string, text: string): Promise<void> {
    return this.objects.put(this.prefix + name, Buffer.from(text, 'utf8'));
  }

  async read(name: string): Promise<string | undefined> {
    const b = await this.objects.get(this.prefix + name);
    return b ? Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8') : undefined;
  }

  async list(prefix: string): Promise<string[]> {
    return (await this.objects.list(this.prefix + prefix)).map((k) => k.slice(this.prefix.length)).sort();
  }

  close(): void {
    this.objects.destroy();
  }
}
