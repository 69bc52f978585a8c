// A small Node client of a Spring Cloud Config server (Sluice's or Spring's own): loads the
// properties of an application at start, answers typed reads, and — given a Kafka bootstrap —
// follows Spring Cloud Bus's topic, reloading and emitting 'change' when a
// RefreshRemoteApplicationEvent names this service, as a Spring service with the bus would.

import { EventEmitter } from 'node:events';
import { ensureTopic, PartitionReader } from '../../client/index.js';
import { busId, decodeEvent, destinationMatches, REFRESH_EVENT, type RemoteEvent } from '../bus.js';

const POLL_WAIT_MS = 500;
const RETRY_MAX_MS = 5_000;
const TRUE = new Set(['true', 'on', 'yes', '1']);
const FALSE = new Set(['false', 'off', 'no', '0']);

export interface ConfigClientOptions {
  /** The config server's base URL, e.g. http://127.0.0.1:8080/config (Sluice) or http://host:8888 (Spring). */
  url: string;
  application: string;
  /** One profile or several (a later one wins); default `default`. */
  profiles?: string | readonly string[];
  /** Default: the server's default label. */
  label?: string;
  /** Sent as X-Config-Token when the server requires one. */
  token?: string;
  /** Kafka broker(s) carrying Spring Cloud Bus; without them the client never refreshes by itself. */
  bootstrap?: string | readonly string[];
  /** Default springCloudBus (Spring's `spring.cloud.bus.destination`). */
  busTopic?: string;
}

export interface ConfigChange {
  /** Keys added, changed or removed, sorted. */
  keys: string[];
  /** The bus event that asked for the refresh (absent for a `refresh()` call). */
  event?: RemoteEvent;
}

/** 'change' after a reload that changed something; 'error' when reading the bus fails (it retries). */
export class ConfigClient extends EventEmitter<{ change: [ConfigChange]; error: [Error] }> {
  readonly #options: ConfigClientOptions;
  readonly #profiles: string;
  /** This instance's bus id, matched against events' destinations: `app:profiles:0:random`. */
  readonly busId: string;
  #values = new Map<string, string>();
  #reader: PartitionReader | undefined;
  #following: Promise<void> = Promise.resolve();
  #closed = false;

  private constructor(options: ConfigClientOptions) {
    super();
    this.#options = options;
    const profiles = typeof options.profiles === 'string' ? [options.profiles] : (options.profiles ?? []);
    this.#profiles = profiles.length === 0 ? 'default' : profiles.join(',');
    this.busId = busId(options.application, this.#profiles, 0);
  }

  /** Loads the configuration (and starts following the bus when a bootstrap is given). */
  static async load(options: ConfigClientOptions): Promise<ConfigClient> {
    const client = new ConfigClient(options);
    // Listen first: a change made while the first load runs is then not missed.
    if (options.bootstrap !== undefined) await client.#openBus();
    try {
      client.#values = await client.#fetch();
    } catch (error) {
      await client.close();
      throw error;
    }
    if (client.#reader !== undefined) client.#following = client.#follow(client.#reader);
    return client;
  }

  /** The value of `key` (the most specific property source wins), or `fallback`. */
  get(key: string): string | undefined;
  get(key: string, fallback: string): string;
  get(key: string, fallback?: string): string | undefined {
    return this.#values.get(key) ?? fallback;
  }

  /** A number; `fallback` when absent; a TypeError naming the key when the value is not one. */
  getNumber(key: string): number | undefined;
  getNumber(key: string, fallback: number): number;
  getNumber(key: string, fallback?: number): number | undefined {
    const text = this.#values.get(key);
    if (text === undefined) return fallback;
    const value = text.trim() === '' ? Number.NaN : Number(text);
    if (!Number.isFinite(value)) throw new TypeError(`config key '${key}' is not a number: '${text}'`);
    return value;
  }

  /** true/false (also on/off, yes/no, 1/0, as Spring reads them); `fallback` when absent. */
  getBoolean(key: string): boolean | undefined;
  getBoolean(key: string, fallback: boolean): boolean;
  getBoolean(key: string, fallback?: boolean): boolean | undefined {
    const text = this.#values.get(key);
    if (text === undefined) return fallback;
    const lower = text.trim().toLowerCase();
    if (TRUE.has(lower)) return true;
    if (FALSE.has(lower)) return false;
    throw new TypeError(`config key '${key}' is not a boolean: '${text}'`);
  }

  /** Every property, the most specific value of each. */
  all(): Record<string, string> {
    return Object.fromEntries(this.#values);
  }

  /** Loads again; emits and resolves the change (no 'change' event when nothing changed). */
  async refresh(event?: RemoteEvent): Promise<ConfigChange> {
    const next = await this.#fetch();
    const keys = [...new Set([...this.#values.keys(), ...next.keys()])]
      .filter((k) => this.#values.get(k) !== next.get(k))
      .sort();
    this.#values = next;
    const change: ConfigChange = { keys, ...(event === undefined ? {} : { event }) };
    if (keys.length > 0) this.emit('change', change);
    return change;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#following.catch(() => {});
    await this.#reader?.close().catch(() => {});
  }

  async #fetch(): Promise<Map<string, string>> {
    const { url, application, label, token } = this.#options;
    const path = [application, this.#profiles, ...(label === undefined ? [] : [label.replaceAll('/', '(_)')])]
      .map(encodeURIComponent)
      .join('/');
    const response = await fetch(`${url.replace(/\/+$/, '')}/${path}`, {
      headers: { accept: 'application/json', ...(token === undefined ? {} : { 'x-config-token': token }) },
    });
    const text = await response.text();
    if (!response.ok)
      throw new Error(`config server answered ${response.status} for ${path}: ${text.slice(0, 300)}`);
    const body = JSON.parse(text) as { propertySources?: { source?: Record<string, unknown> }[] };
    const values = new Map<string, string>();
    // Most specific first: the first source naming a key wins.
    for (const { source } of body.propertySources ?? []) {
      for (const [key, raw] of Object.entries(source ?? {})) {
        if (values.has(key)) continue;
        // Spring's v2 shape may wrap a value with its origin.
        const value =
          typeof raw === 'object' &&
          raw !== null &&
          'value' in raw &&
          'origin' in raw &&
          Object.keys(raw).length === 2
            ? (raw as { value: unknown }).value
            : raw;
        values.set(key, typeof value === 'string' ? value : JSON.stringify(value));
      }
    }
    return values;
  }

  async #openBus(): Promise<void> {
    const given = this.#options.bootstrap;
    const bootstrap = typeof given === 'string' ? given.split(',') : [...(given ?? [])];
    const topic = this.#options.busTopic ?? 'springCloudBus';
    await ensureTopic(bootstrap, topic, {}, 'sluice-config-client');
    this.#reader = await PartitionReader.open({
      bootstrap,
      topic,
      start: 'latest',
      clientId: 'sluice-config-client',
      justCreated: true,
    });
  }

  async #follow(reader: PartitionReader): Promise<void> {
    let backoff = 200;
    while (!this.#closed) {
      try {
        const records = await reader.poll(POLL_WAIT_MS);
        backoff = 200;
        for (const record of records) {
          const event = decodeEvent(record.value);
          if (event === undefined || event.type !== REFRESH_EVENT) continue;
          if (event.originService === this.busId || !destinationMatches(event.destinationService, this.busId))
            continue;
          await this.refresh(event);
        }
      } catch (error) {
        if (this.#closed) return;
        if (this.listenerCount('error') > 0) this.emit('error', error as Error);
        await new Promise((resolve) => setTimeout(resolve, backoff));
        backoff = Math.min(backoff * 2, RETRY_MAX_MS);
      }
    }
  }
}

/** Loads an application's configuration from a config server; see ConfigClient. */
export function loadConfig(options: ConfigClientOptions): Promise<ConfigClient> {
  return ConfigClient.load(options);
}
