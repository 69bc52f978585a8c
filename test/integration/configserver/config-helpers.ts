// What the config server's tests share: admin API calls, and a reader of Spring Cloud Bus's
// topic that collects what was published after it opened.

import { createHmac } from 'node:crypto';
import { type ConsumedRecord, PartitionReader } from '../../../src/client/index.js';
import { eventually } from '../../helpers/waiting.js';

export interface Answer {
  status: number;
  type: string;
  text: string;
  json: unknown;
}

export async function call(
  url: string,
  init: { method?: string; body?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: init.headers ?? {},
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, type: res.headers.get('content-type') ?? '', text, json };
}

/** PUT a property through the admin API. */
export function setProperty(
  base: string,
  app: string,
  profile: string,
  key: string,
  body: Record<string, unknown>,
  extra: { label?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const query = extra.label === undefined ? '' : `?label=${encodeURIComponent(extra.label)}`;
  return call(`${base}/api/config/properties/${app}/${profile}/${encodeURIComponent(key)}${query}`, {
    method: 'PUT',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...extra.headers },
  });
}

export function sign(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Reads springCloudBus from its end at open: what is published afterwards. */
export class BusTail {
  readonly records: ConsumedRecord[] = [];
  private constructor(private readonly reader: PartitionReader) {}

  static async open(bootstrap: string, topic = 'springCloudBus'): Promise<BusTail> {
    const reader = await PartitionReader.open({
      bootstrap: bootstrap.split(','),
      topic,
      start: 'latest',
      justCreated: true,
      readyTimeoutMs: 30_000,
    });
    return new BusTail(reader);
  }

  /** Waits until `count` records arrived since open; returns them. */
  async take(count: number, timeoutMs = 15_000): Promise<ConsumedRecord[]> {
    return eventually(`${count} bus messages`, timeoutMs, async () => {
      this.records.push(...(await this.reader.poll(100)));
      return this.records.length >= count ? this.records.slice(0, count) : undefined;
    });
  }

  close(): Promise<void> {
    return this.reader.close();
  }
}

export const headerMap = (record: ConsumedRecord) =>
  Object.fromEntries(record.headers.map(([k, v]) => [k?.toString() ?? '', v?.toString() ?? '']));
