import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { ensureDir, readJsonIfExists, removeFile, type StorageIo, writeFileAtomic } from './file-io.js';
import { ioError, StorageError } from './storage-error.js';
import { collisionKey, validateTopicName } from './topic-name.js';

/**
 * What is durable about a topic, in `<dataDir>/topics/<id>.json` (named by id: a 249-character
 * topic name plus ".json.tmp" would not fit in a file name). Partition data lives in
 * `<dataDir>/<name>-<n>/`.
 */
export interface TopicRecord {
  name: string;
  /** Kafka's Uuid string form: 16 random bytes as 22 characters of unpadded base64url. */
  id: string;
  partitions: number;
  /** Topic config overrides (Kafka keys), already validated and normalized. */
  configs: Record<string, string>;
}

/**
 * A new topic id the way Kafka's Uuid.randomUuid makes one: a version-4 UUID whose string form
 * does not start with '-' (it would read as a CLI flag) and is not the all-zero id.
 */
export function newTopicId(): string {
  for (;;) {
    const id = Buffer.from(randomUUID().replaceAll('-', ''), 'hex').toString('base64url');
    if (!id.startsWith('-') && id !== 'AAAAAAAAAAAAAAAAAAAAAA') return id;
  }
}

function parseRecord(data: unknown, file: string): TopicRecord {
  const bad = () => new StorageError('CORRUPT', `topic metadata ${file} is malformed`);
  if (typeof data !== 'object' || data === null) throw bad();
  const { name, id, partitions, configs } = data as Record<string, unknown>;
  if (typeof name !== 'string' || typeof id !== 'string' || id.length !== 22) throw bad();
  if (typeof partitions !== 'number' || !Number.isSafeInteger(partitions) || partitions < 1) throw bad();
  if (typeof configs !== 'object' || configs === null) throw bad();
  for (const value of Object.values(configs)) if (typeof value !== 'string') throw bad();
  return { name, id, partitions, configs: { ...(configs as Record<string, string>) } };
}

/**
 * Durable topic metadata, one JSON file per topic under `<dataDir>/topics/`, each replaced
 * atomically (temp file, fsync, rename, fsync directory) so a crash leaves old or new, never half.
 */
export class TopicStore {
  private readonly byName = new Map<string, TopicRecord>();
  private readonly byId = new Map<string, TopicRecord>();
  private readonly byCollisionKey = new Map<string, string>();

  private constructor(
    private readonly dir: string,
    private readonly io: StorageIo,
  ) {}

  static async open(dataDir: string, io: StorageIo): Promise<TopicStore> {
    const store = new TopicStore(join(dataDir, 'topics'), io);
    await ensureDir(store.dir, io);
    let names: string[];
    try {
      names = await fs.promises.readdir(store.dir);
    } catch (err) {
      throw ioError(`cannot list ${store.dir}`, err);
    }
    for (const file of names) {
      const path = join(store.dir, file);
      if (file.endsWith('.tmp')) await removeFile(path);
      if (!file.endsWith('.json')) continue;
      const record = parseRecord(await readJsonIfExists(path), path);
      if (`${record.id}.json` !== file)
        throw new StorageError('CORRUPT', `${path} holds topic id ${record.id}`);
      validateTopicName(record.name);
      store.remember(record);
    }
    return store;
  }

  get(name: string): TopicRecord | undefined {
    return this.byName.get(name);
  }

  getById(id: string): TopicRecord | undefined {
    return this.byId.get(id);
  }

  list(): TopicRecord[] {
    return [...this.byName.values()];
  }

  /** The existing topic whose name differs from `name` only by '.' versus '_', if any. */
  collidingTopic(name: string): string | undefined {
    const other = this.byCollisionKey.get(collisionKey(name));
    return other === name ? undefined : other;
  }

  /** Creates or replaces a topic's record durably. */
  async put(record: TopicRecord): Promise<void> {
    validateTopicName(record.name);
    const body = JSON.stringify({ version: 1, ...record }, null, 2);
    const previous = this.byName.get(record.name);
    if (previous && previous.id !== record.id)
      throw new StorageError('TOPIC_EXISTS', `topic ${record.name} exists`);
    await writeFileAtomic(this.pathOf(record.id), body, this.io);
    this.remember({ ...record, configs: { ...record.configs } });
  }

  /** Removes a topic's record durably. This is the commit point of a topic deletion. */
  async remove(name: string): Promise<void> {
    const record = this.byName.get(name);
    if (!record) return;
    await removeFile(this.pathOf(record.id));
    await this.io.syncDir(this.dir);
    this.byName.delete(name);
    this.byId.delete(record.id);
    this.byCollisionKey.delete(collisionKey(name));
  }

  private remember(record: TopicRecord): void {
    this.byName.set(record.name, record);
    this.byId.set(record.id, record);
    this.byCollisionKey.set(collisionKey(record.name), record.name);
  }

  private pathOf(id: string): string {
    return join(this.dir, `${id}.json`);
  }
}
