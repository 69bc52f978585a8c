// The server's operations on values: set and remove (one writer per process: the values topic
// first, which gives the change its version; then the history topic; then, once this server has
// read its own write back, the bus event, so a service refreshing on it reads the new value), and
// the reads of the admin API, where a secret never appears in clear.

import { SluiceError } from '../errors/index.js';
import { busHeaders, destinationOfApplication, encodeEvent, refreshEvent } from './bus.js';
import { CIPHER_PREFIX, isCipherText, type TextCipher } from './cipher.js';
import type { ConfigState, Entry } from './config-state.js';
import { checkApplication, checkKey, checkLabel, checkProfile } from './names.js';
import {
  type Change,
  decodeChange,
  encodeAddress,
  encodeChange,
  encodeValue,
  type PropertyAddress,
} from './records.js';
import type { FollowedRecord } from './topic-log.js';

export const MASK = '******';

/** What the store needs of the topics (ConfigLog, reached once it is open). */
export interface StoreLog {
  append(key: Buffer, value: Buffer | undefined): Promise<bigint>;
  appendHistory(key: Buffer, value: Buffer): Promise<void>;
  waitFor(offset: bigint): Promise<void>;
  publish(value: Buffer, headers: Map<Buffer, Buffer>): Promise<void>;
  readHistory(): Promise<FollowedRecord[]>;
}

export interface PropertyView extends PropertyAddress {
  /** The value, or MASK for a secret. */
  value: string;
  secret: boolean;
  version: number;
  author: string;
  time: string;
}

export interface SetRequest extends PropertyAddress {
  value: string;
  /** Encrypt the value with the server's key before storing it. */
  secret?: boolean;
  author: string;
}

export interface StoreHooks {
  changed(operation: 'set' | 'rm'): void;
  published(): void;
}

export class ConfigStore {
  readonly #state: ConfigState;
  readonly #log: StoreLog;
  readonly #cipher: TextCipher | undefined;
  readonly #maxValueBytes: number;
  readonly #origin: () => string;
  readonly #hooks: StoreHooks;
  /** Changes one at a time, so the history is in the values topic's order. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: {
    state: ConfigState;
    log: StoreLog;
    cipher: TextCipher | undefined;
    maxValueBytes: number;
    /** This server's bus id, known once it listens. */
    origin: () => string;
    hooks: StoreHooks;
  }) {
    this.#state = options.state;
    this.#log = options.log;
    this.#cipher = options.cipher;
    this.#maxValueBytes = options.maxValueBytes;
    this.#origin = options.origin;
    this.#hooks = options.hooks;
  }

  get cipher(): TextCipher | undefined {
    return this.#cipher;
  }

  async set(request: SetRequest): Promise<PropertyView> {
    const address = checkAddress(request);
    const bytes = Buffer.byteLength(request.value);
    if (bytes > this.#maxValueBytes) {
      throw new SluiceError('PAYLOAD_TOO_LARGE', `the value of '${address.key}' is ${bytes} bytes`, {
        hint: `a value may be at most ${this.#maxValueBytes} bytes (configServer.maxValueBytes)`,
        details: { key: address.key, bytes, limitBytes: this.#maxValueBytes },
      });
    }
    const stored = this.#storedForm(address.key, request.value, request.secret === true);
    return this.#serial(async () => {
      const time = Date.now();
      const offset = await this.#log.append(
        encodeAddress(address),
        encodeValue({ value: stored, author: request.author, time }),
      );
      const version = Number(offset);
      await this.#record({
        ...address,
        operation: 'set',
        value: stored,
        version,
        author: request.author,
        time,
      });
      await this.#log.waitFor(offset);
      this.#hooks.changed('set');
      await this.#announce(address.application);
      return view(address, { value: stored, author: request.author, time, version });
    });
  }

  async remove(address: PropertyAddress, author: string): Promise<{ version: number }> {
    checkAddress(address);
    return this.#serial(async () => {
      if (this.#state.get(address) === undefined) throw notFound(address);
      const offset = await this.#log.append(encodeAddress(address), undefined);
      const version = Number(offset);
      await this.#record({ ...address, operation: 'rm', version, author, time: Date.now() });
      await this.#log.waitFor(offset);
      this.#hooks.changed('rm');
      await this.#announce(address.application);
      return { version };
    });
  }

  get(address: PropertyAddress): PropertyView {
    checkAddress(address);
    const entry = this.#state.get(address);
    if (entry === undefined) throw notFound(address);
    return view(address, entry);
  }

  list(filter: Partial<Omit<PropertyAddress, 'key'>>): PropertyView[] {
    const out = [...this.#state.entries(filter)].map(([a, e]) => view(a, e));
    return out.sort((a, b) => compare(a, b));
  }

  async history(
    filter: Partial<PropertyAddress>,
  ): Promise<(Omit<Change, 'time'> & { secret: boolean; time: string })[]> {
    const out = [];
    for (const record of await this.#log.readHistory()) {
      const change = decodeChange(record.value);
      if (change === undefined) continue;
      const fields = ['application', 'profile', 'label', 'key'] as const;
      if (fields.some((f) => filter[f] !== undefined && filter[f] !== change[f])) continue;
      const secret = change.value !== undefined && isCipherText(change.value);
      out.push({
        ...change,
        ...(change.value === undefined ? {} : { value: secret ? MASK : change.value }),
        secret,
        time: new Date(change.time).toISOString(),
      });
    }
    return out;
  }

  /** Publishes one refresh event per service (named as Spring's monitor names them), in order. */
  async refresh(services: readonly string[], destinationOf: (s: string) => string): Promise<void> {
    for (const service of services) await this.#publish(destinationOf(service));
  }

  async #announce(application: string): Promise<void> {
    await this.#publish(destinationOfApplication(application));
  }

  async #publish(destination: string): Promise<void> {
    await this.#log.publish(encodeEvent(refreshEvent(this.#origin(), destination)), busHeaders());
    this.#hooks.published();
  }

  async #record(change: Change): Promise<void> {
    await this.#log.appendHistory(encodeAddress(change), encodeChange(change));
  }

  /** A secret is stored encrypted; a `{cipher}` value must be one this server can read. */
  #storedForm(key: string, value: string, secret: boolean): string {
    if (!secret && !isCipherText(value)) return value;
    if (this.#cipher === undefined) {
      throw new SluiceError(
        'INVALID_ARGUMENT',
        `cannot store '${key}' as a secret: no encryption key is set`,
        {
          hint: 'start the server with ENCRYPT_KEY set (as Spring Cloud Config takes encrypt.key)',
          details: { key },
        },
      );
    }
    if (isCipherText(value)) {
      this.#cipher.decrypt(value.slice(CIPHER_PREFIX.length));
      return value;
    }
    return `${CIPHER_PREFIX}${this.#cipher.encrypt(value)}`;
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work, work);
    this.#queue = next.catch(() => {});
    return next;
  }
}

function checkAddress(a: PropertyAddress): PropertyAddress {
  return {
    application: checkApplication(a.application),
    profile: checkProfile(a.profile),
    label: checkLabel(a.label),
    key: checkKey(a.key),
  };
}

function view(a: PropertyAddress, e: Omit<Entry, 'version'> & { version: number }): PropertyView {
  const secret = isCipherText(e.value);
  return {
    application: a.application,
    profile: a.profile,
    label: a.label,
    key: a.key,
    value: secret ? MASK : e.value,
    secret,
    version: e.version,
    author: e.author,
    time: new Date(e.time).toISOString(),
  };
}

function compare(a: PropertyAddress, b: PropertyAddress): number {
  for (const f of ['label', 'application', 'profile', 'key'] as const) {
    if (a[f] !== b[f]) return a[f] < b[f] ? -1 : 1;
  }
  return 0;
}

const notFound = (a: PropertyAddress) =>
  new SluiceError(
    'NOT_FOUND',
    `no property '${a.key}' for ${a.application},${a.profile} (label ${a.label})`,
    {
      details: { ...a },
    },
  );
