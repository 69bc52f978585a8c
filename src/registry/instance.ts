// An instance as the registry keeps it, and how a registration body (Eureka's JSON, or XML read
// into the same shape) becomes one. Checks are Eureka's, with its words for the missing fields
// ("Missing hostname"), plus bounds Eureka lacks: names that would break a URL or an XML element,
// and statuses outside Eureka's five, are refused with a 400 saying which.

import { badRequest } from './errors.js';

export const STATUSES = ['UP', 'DOWN', 'STARTING', 'OUT_OF_SERVICE', 'UNKNOWN'] as const;
export type InstanceStatus = (typeof STATUSES)[number];

export const DEFAULT_DATA_CENTER_CLASS = 'com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo';

export interface PortInfo {
  readonly port: number;
  readonly enabled: boolean;
}

export interface DataCenterInfo {
  readonly className: string;
  readonly name: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

/** What a client registered, as the registry keeps it (immutable: a change makes a new one). */
export interface InstanceInfo {
  readonly instanceId: string;
  /** Upper case, as Eureka keeps application names. */
  readonly app: string;
  readonly appGroupName?: string;
  readonly hostName: string;
  readonly ipAddr: string;
  readonly sid?: string;
  readonly status: InstanceStatus;
  readonly overriddenStatus: InstanceStatus;
  readonly port: PortInfo;
  readonly securePort: PortInfo;
  readonly countryId: number;
  readonly dataCenterInfo: DataCenterInfo;
  /** The lease the client asked for (leaseInfo); 0 when it named none. */
  readonly renewalIntervalInSecs: number;
  readonly durationInSecs: number;
  readonly metadata: Readonly<Record<string, string>>;
  readonly homePageUrl?: string;
  readonly statusPageUrl?: string;
  readonly healthCheckUrl?: string;
  readonly secureHealthCheckUrl?: string;
  readonly vipAddress?: string;
  readonly secureVipAddress?: string;
  readonly asgName?: string;
  readonly isCoordinatingDiscoveryServer: boolean;
  readonly lastUpdatedTimestamp: number;
  readonly lastDirtyTimestamp: number;
}

/** Timestamps of a lease as a registration or an event carries them (0: not given). */
export interface GivenLease {
  registrationTimestamp: number;
  serviceUpTimestamp: number;
}

/** Application names: letters, digits, '.', '_' and '-' (they become URL segments and XML text). */
export const APP_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;
/** Instance ids, host names, addresses: no '/', '?', '#', '%', space or control character. */
const TOKEN = /^[^/?#%\s\p{Cc}]{1,256}$/u;
/** Metadata keys become XML element names. */
const METADATA_KEY = /^[A-Za-z_][\w.-]{0,127}$/;
const MAX_METADATA_ENTRIES = 256;
const MAX_TEXT = 2048;

export const isStatus = (value: string): value is InstanceStatus =>
  (STATUSES as readonly string[]).includes(value);

/** A status from a query parameter or a body; 400 naming the allowed ones otherwise. */
export function statusOf(value: unknown, what: string): InstanceStatus {
  const text = typeof value === 'string' ? value.trim().toUpperCase() : '';
  if (isStatus(text)) return text;
  throw badRequest(`Invalid ${what} '${String(value)}': must be one of ${STATUSES.join(', ')}`);
}

/** An application name from a path, upper-cased; 400 when it could not be one. */
export function appNameOf(value: string): string {
  if (!APP_NAME.test(value))
    throw badRequest(
      `Invalid application name '${value.slice(0, 100)}': use 1-200 letters, digits, '.', '_' or '-'`,
    );
  return value.toUpperCase();
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function text(o: Record<string, unknown>, key: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') {
    if (v.length > MAX_TEXT) throw badRequest(`Field ${key} is longer than ${MAX_TEXT} characters`);
    return v;
  }
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw badRequest(`Field ${key} must be a string, got ${Array.isArray(v) ? 'an array' : typeof v}`);
}

function integer(o: Record<string, unknown>, key: string, fallback: number, min = 0): number {
  const raw = o[key];
  if (raw === undefined || raw === null || raw === '') return fallback;
  const n =
    typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min)
    throw badRequest(`Field ${key} must be an integer >= ${min}, got ${JSON.stringify(raw)}`);
  return n;
}

function flag(raw: unknown, key: string, fallback: boolean): boolean {
  if (raw === undefined || raw === null || raw === '') return fallback;
  if (raw === true || raw === 'true') return true;
  if (raw === false || raw === 'false') return false;
  throw badRequest(`Field ${key} must be true or false, got ${JSON.stringify(raw)}`);
}

function token(value: string | undefined, key: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!TOKEN.test(value))
    throw badRequest(
      `Invalid ${key} '${value.slice(0, 100)}': 1-256 characters without '/', '?', '#', '%', spaces or control characters`,
    );
  return value;
}

function port(raw: unknown, key: string, fallback: PortInfo): PortInfo {
  if (raw === undefined || raw === null) return fallback;
  const o = isObject(raw) ? raw : { $: raw };
  const n = integer(o, '$', fallback.port);
  if (n > 65535) throw badRequest(`Field ${key} must be a port number (0-65535), got ${n}`);
  return { port: n, enabled: flag(o['@enabled'], `${key}.@enabled`, fallback.enabled) };
}

function metadataOf(raw: unknown, key: string): Record<string, string> {
  if (raw === undefined || raw === null || raw === '') return {};
  if (!isObject(raw)) throw badRequest(`Field ${key} must be an object of names to values`);
  const out: Record<string, string> = {};
  let count = 0;
  for (const [k, v] of Object.entries(raw)) {
    if (k === '@class') continue;
    checkMetadataKey(k);
    if (++count > MAX_METADATA_ENTRIES)
      throw badRequest(`Field ${key} has more than ${MAX_METADATA_ENTRIES} entries`);
    if (isObject(v) || Array.isArray(v)) throw badRequest(`Metadata value of '${k}' must be text`);
    out[k] = v === null || v === undefined ? '' : String(v);
  }
  return out;
}

export function checkMetadataKey(k: string): void {
  if (!METADATA_KEY.test(k))
    throw badRequest(
      `Invalid metadata key '${k.slice(0, 100)}': start with a letter or '_', then letters, digits, '.', '_' or '-' (at most 128)`,
    );
}

export interface ParsedRegistration {
  instance: InstanceInfo;
  lease: GivenLease;
}

/**
 * A registration body (`{"instance": {...}}`, or XML's `<instance>` read into that shape) as an
 * instance of `pathApp`; a 400 naming the first thing wrong. `now` fills timestamps not given.
 */
export function parseRegistration(body: unknown, pathApp: string, now: number): ParsedRegistration {
  if (!isObject(body) || !isObject(body.instance))
    throw badRequest(
      'The body must be an instance: {"instance": {...}} in JSON or <instance>...</instance> in XML',
    );
  const i = body.instance;
  const hostName = token(text(i, 'hostName'), 'hostName');
  const instanceId = token(text(i, 'instanceId'), 'instanceId') ?? hostName;
  // Eureka's order and words: the id falls back to the host name, as InstanceInfo.getId() does.
  if (instanceId === undefined || instanceId === '') throw badRequest('Missing instanceId');
  if (hostName === undefined || hostName === '') throw badRequest('Missing hostname');
  const ipAddr = token(text(i, 'ipAddr'), 'ipAddr');
  if (ipAddr === undefined || ipAddr === '') throw badRequest('Missing ip address');
  const appRaw = text(i, 'app');
  if (appRaw === undefined || appRaw === '') throw badRequest('Missing appName');
  const app = appNameOf(appRaw);
  if (app !== pathApp) throw badRequest(`Mismatched appName, expecting ${pathApp} but was ${app}`);
  const dc = i.dataCenterInfo;
  if (!isObject(dc)) throw badRequest('Missing dataCenterInfo');
  const dcName = text(dc, 'name');
  if (dcName === undefined || dcName === '') throw badRequest('Missing dataCenterInfo Name');
  const leaseInfo = isObject(i.leaseInfo) ? i.leaseInfo : {};
  const optional = (key: string) => {
    const v = text(i, key);
    return v === undefined || v === '' ? {} : { [key]: v };
  };
  const instance: InstanceInfo = {
    instanceId,
    app,
    ...optional('appGroupName'),
    hostName,
    ipAddr,
    ...optional('sid'),
    status: i.status === undefined || i.status === '' ? 'UP' : statusOf(i.status, 'status'),
    overriddenStatus: overriddenOf(i),
    port: port(i.port, 'port', { port: 7001, enabled: true }),
    securePort: port(i.securePort, 'securePort', { port: 7002, enabled: false }),
    countryId: integer(i, 'countryId', 1),
    dataCenterInfo: {
      className: text(dc, '@class') || DEFAULT_DATA_CENTER_CLASS,
      name: dcName,
      ...(isObject(dc.metadata) ? { metadata: metadataOf(dc.metadata, 'dataCenterInfo.metadata') } : {}),
    },
    renewalIntervalInSecs: integer(leaseInfo, 'renewalIntervalInSecs', 0),
    durationInSecs: integer(leaseInfo, 'durationInSecs', 0),
    metadata: metadataOf(i.metadata, 'metadata'),
    ...optional('homePageUrl'),
    ...optional('statusPageUrl'),
    ...optional('healthCheckUrl'),
    ...optional('secureHealthCheckUrl'),
    ...optional('vipAddress'),
    ...optional('secureVipAddress'),
    ...optional('asgName'),
    isCoordinatingDiscoveryServer: flag(
      i.isCoordinatingDiscoveryServer,
      'isCoordinatingDiscoveryServer',
      false,
    ),
    lastUpdatedTimestamp: integer(i, 'lastUpdatedTimestamp', now),
    lastDirtyTimestamp: integer(i, 'lastDirtyTimestamp', now),
  };
  return {
    instance,
    lease: {
      registrationTimestamp: integer(leaseInfo, 'registrationTimestamp', 0),
      serviceUpTimestamp: integer(leaseInfo, 'serviceUpTimestamp', 0),
    },
  };
}

/** JSON spells it overriddenStatus, XML and older clients overriddenstatus. */
function overriddenOf(i: Record<string, unknown>): InstanceStatus {
  const raw = i.overriddenStatus ?? i.overriddenstatus;
  return raw === undefined || raw === null || raw === '' ? 'UNKNOWN' : statusOf(raw, 'overriddenStatus');
}
