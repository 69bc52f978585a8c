// Eureka's response cache (ResponseCacheImpl): reads of the registry, its delta, an application or
// a VIP are answered from serialized payloads, gzipped on demand. Two layers as in Eureka: the
// read-write layer is rebuilt lazily after any change (and at the latest after `expireMs`), and the
// read-only layer, which answers, copies it every `updateIntervalMs`.
//
// Staleness bound: with the read-only layer on (the default, as in Eureka), a change shows in
// reads at most `updateIntervalMs` (30 s) after it happened, plus the time to serialize; a payload
// first asked for after the change shows it at once. With it off, reads show every change at once.

import { gzipSync } from 'node:zlib';
import { type Clock, type ClockTimer, every } from '../clock/index.js';

export interface Payload {
  readonly text: string;
  /** The text gzipped, made on first use. */
  gzipped(): Buffer;
}

export interface ResponseCacheOptions {
  useReadOnly: boolean;
  updateIntervalMs: number;
  /** A read-write payload is rebuilt after this long even without a change (Eureka: 180 s). */
  expireMs: number;
  /** Most payloads kept; the oldest key is dropped past it. */
  maxKeys?: number;
}

interface Held {
  payload: Payload | undefined;
  generation: number;
  at: number;
}

const DEFAULT_MAX_KEYS = 1000;

function payloadOf(text: string): Payload {
  let zipped: Buffer | undefined;
  return {
    text,
    gzipped: () => {
      zipped ??= gzipSync(text);
      return zipped;
    },
  };
}

export class ResponseCache {
  readonly #readWrite = new Map<string, Held>();
  readonly #readOnly = new Map<string, Payload | undefined>();
  #timer: ClockTimer | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly options: ResponseCacheOptions,
    /** Serializes the payload of a key; undefined when there is nothing (an unknown application). */
    private readonly generate: (key: string) => string | undefined,
    /** The registry's change counter: a payload made at another generation is out of date. */
    private readonly generation: () => number,
  ) {}

  start(): void {
    if (!this.options.useReadOnly) return;
    this.#timer ??= every(this.clock, this.options.updateIntervalMs, () => {
      for (const key of this.#readOnly.keys()) this.#readOnly.set(key, this.#fresh(key));
    });
  }

  stop(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  /** The payload for `key`, or undefined when there is none. */
  get(key: string): Payload | undefined {
    if (!this.options.useReadOnly) return this.#fresh(key);
    if (this.#readOnly.has(key)) return this.#readOnly.get(key);
    const payload = this.#fresh(key);
    this.#bounded(this.#readOnly, key).set(key, payload);
    return payload;
  }

  #fresh(key: string): Payload | undefined {
    const now = this.clock.now();
    const generation = this.generation();
    const held = this.#readWrite.get(key);
    if (held && held.generation === generation && now - held.at < this.options.expireMs) return held.payload;
    const text = this.generate(key);
    const payload = text === undefined ? undefined : payloadOf(text);
    this.#bounded(this.#readWrite, key).set(key, { payload, generation, at: now });
    return payload;
  }

  /** `map`, with room made for `key` when it is new. */
  #bounded<V>(map: Map<string, V>, key: string): Map<string, V> {
    const max = this.options.maxKeys ?? DEFAULT_MAX_KEYS;
    while (!map.has(key) && map.size >= max) {
      const oldest = map.keys().next().value;
      if (oldest === undefined) break;
      map.delete(oldest);
    }
    return map;
  }
}
