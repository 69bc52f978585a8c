// Talking to a Eureka server over HTTP in tests: a caller for its REST API and a registration body
// like the ones Spring's client sends.

import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';

export interface EurekaAnswer {
  status: number;
  contentType: string;
  contentEncoding: string;
  text: string;
  /** The body parsed as JSON when it is JSON, else undefined. */
  json: unknown;
}

export type EurekaCall = (
  method: string,
  path: string,
  options?: { body?: string | object; headers?: Record<string, string> },
) => Promise<EurekaAnswer>;

/** Calls `base` + path (base like http://127.0.0.1:8080/eureka); object bodies go as JSON, Accept JSON by default. */
export function eurekaCaller(base: string): EurekaCall {
  return async (method, path, options = {}) => {
    const body = options.body;
    const headers: Record<string, string> = {
      accept: 'application/json',
      'accept-encoding': 'identity',
      ...(typeof body === 'object' ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    };
    const response = await fetch(`${base}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const raw = Buffer.from(await response.arrayBuffer());
    const contentEncoding = response.headers.get('content-encoding') ?? '';
    // fetch undoes gzip itself when it can; bytes still gzipped are undone here.
    const zipped = raw[0] === 0x1f && raw[1] === 0x8b;
    const text = (zipped ? gunzipSync(raw) : raw).toString('utf8');
    const contentType = response.headers.get('content-type') ?? '';
    let json: unknown;
    if (contentType.includes('json')) json = JSON.parse(text);
    return { status: response.status, contentType, contentEncoding, text, json };
  };
}

/** A registration as Spring Cloud's Eureka client sends it (JSON, root-wrapped). */
export function springInstance(app: string, id: string, port: number, extra: Record<string, unknown> = {}) {
  const now = Date.now();
  return {
    instance: {
      instanceId: id,
      hostName: '127.0.0.1',
      app: app.toUpperCase(),
      ipAddr: '127.0.0.1',
      status: 'UP',
      overriddenStatus: 'UNKNOWN',
      port: { $: port, '@enabled': 'true' },
      securePort: { $: 443, '@enabled': 'false' },
      countryId: 1,
      dataCenterInfo: { '@class': 'com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo', name: 'MyOwn' },
      leaseInfo: { renewalIntervalInSecs: 30, durationInSecs: 90 },
      metadata: { 'management.port': String(port) },
      homePageUrl: `http://127.0.0.1:${port}/`,
      statusPageUrl: `http://127.0.0.1:${port}/actuator/info`,
      healthCheckUrl: `http://127.0.0.1:${port}/actuator/health`,
      vipAddress: app.toLowerCase(),
      secureVipAddress: app.toLowerCase(),
      isCoordinatingDiscoveryServer: 'false',
      lastUpdatedTimestamp: String(now),
      lastDirtyTimestamp: String(now),
      ...extra,
    },
  };
}

/** A GET with node:http, which leaves the body as sent (fetch would undo gzip). */
export function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}
