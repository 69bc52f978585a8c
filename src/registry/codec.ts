// The shapes Eureka's clients read, in JSON and XML. JSON as Eureka's Jackson codec writes it: root
// wrapping ({"applications": ...}, {"instance": ...}), ports as {"$": 8080, "@enabled": "true"},
// dataCenterInfo and empty metadata with "@class", leaseInfo timestamps as numbers but
// lastUpdatedTimestamp, lastDirtyTimestamp, isCoordinatingDiscoveryServer, versions__delta and
// apps__hashcode as strings. XML as its XStream converters write it (attributes for "@", and
// <overriddenstatus> in lower case as py-eureka-client and older clients read it).

import type { InstanceInfo, PortInfo } from './instance.js';
import type { ActionType, Entry } from './instance-registry.js';
import { xmlElement, xmlText } from './xml.js';

export const EMPTY_MAP_CLASS = 'java.util.Collections$EmptyMap';

/** An application's instances as a response shows them (each with the action it shows). */
export type AppGroup = readonly [name: string, entries: readonly Entry[]];

export interface ApplicationsView {
  readonly versionsDelta: string;
  readonly hashCode: string;
  readonly apps: readonly AppGroup[];
}

const portJson = (p: PortInfo) => ({ $: p.port, '@enabled': String(p.enabled) });

function metadataJson(m: Readonly<Record<string, string>>): Record<string, string> {
  return Object.keys(m).length === 0 ? { '@class': EMPTY_MAP_CLASS } : { ...m };
}

const optional = (i: InstanceInfo, keys: readonly (keyof InstanceInfo)[]) => {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (i[k] !== undefined) out[k] = i[k];
  return out;
};

/** One instance in Eureka's JSON (the object inside {"instance": ...}). */
export function instanceJson(entry: Entry, action: ActionType = entry.action): Record<string, unknown> {
  const { instance: i, lease } = entry;
  return {
    instanceId: i.instanceId,
    hostName: i.hostName,
    app: i.app,
    ipAddr: i.ipAddr,
    ...optional(i, ['sid']),
    status: i.status,
    overriddenStatus: i.overriddenStatus,
    port: portJson(i.port),
    securePort: portJson(i.securePort),
    countryId: i.countryId,
    dataCenterInfo: {
      '@class': i.dataCenterInfo.className,
      name: i.dataCenterInfo.name,
      ...(i.dataCenterInfo.metadata === undefined ? {} : { metadata: { ...i.dataCenterInfo.metadata } }),
    },
    leaseInfo: {
      renewalIntervalInSecs: lease.renewalIntervalInSecs,
      durationInSecs: Math.round(lease.durationMs / 1000),
      registrationTimestamp: lease.registrationTimestamp,
      lastRenewalTimestamp: lease.lastRenewalTimestamp,
      evictionTimestamp: lease.evictionTimestamp,
      serviceUpTimestamp: lease.serviceUpTimestamp,
    },
    metadata: metadataJson(i.metadata),
    ...optional(i, [
      'appGroupName',
      'homePageUrl',
      'statusPageUrl',
      'healthCheckUrl',
      'secureHealthCheckUrl',
      'vipAddress',
      'secureVipAddress',
    ]),
    isCoordinatingDiscoveryServer: String(i.isCoordinatingDiscoveryServer),
    lastUpdatedTimestamp: String(i.lastUpdatedTimestamp),
    lastDirtyTimestamp: String(i.lastDirtyTimestamp),
    actionType: action,
    ...optional(i, ['asgName']),
  };
}

const applicationJson = ([name, entries]: AppGroup) => ({
  name,
  instance: entries.map((e) => instanceJson(e)),
});

export const applicationsJson = (view: ApplicationsView): string =>
  JSON.stringify({
    applications: {
      versions__delta: view.versionsDelta,
      apps__hashcode: view.hashCode,
      application: view.apps.map(applicationJson),
    },
  });

export const applicationJsonText = (group: AppGroup): string =>
  JSON.stringify({ application: applicationJson(group) });

export const instanceJsonText = (entry: Entry): string => JSON.stringify({ instance: instanceJson(entry) });

// ---- XML

const portXml = (name: string, p: PortInfo) =>
  xmlElement(name, String(p.port), { enabled: String(p.enabled) });

function metadataXml(m: Readonly<Record<string, string>>): string {
  const keys = Object.keys(m);
  if (keys.length === 0) return xmlElement('metadata', '', { class: EMPTY_MAP_CLASS });
  return xmlElement('metadata', keys.map((k) => xmlText(k, m[k] ?? '')).join(''));
}

const optionalXml = (i: InstanceInfo, keys: readonly (keyof InstanceInfo)[]) =>
  keys.map((k) => (i[k] === undefined ? '' : xmlText(k, String(i[k])))).join('');

export function instanceXml(entry: Entry, action: ActionType = entry.action): string {
  const { instance: i, lease } = entry;
  const dc = i.dataCenterInfo;
  return xmlElement(
    'instance',
    [
      xmlText('instanceId', i.instanceId),
      xmlText('hostName', i.hostName),
      xmlText('app', i.app),
      xmlText('ipAddr', i.ipAddr),
      optionalXml(i, ['sid']),
      xmlText('status', i.status),
      xmlText('overriddenstatus', i.overriddenStatus),
      portXml('port', i.port),
      portXml('securePort', i.securePort),
      xmlText('countryId', i.countryId),
      xmlElement(
        'dataCenterInfo',
        xmlText('name', dc.name) + (dc.metadata === undefined ? '' : metadataXml(dc.metadata)),
        { class: dc.className },
      ),
      xmlElement(
        'leaseInfo',
        [
          xmlText('renewalIntervalInSecs', lease.renewalIntervalInSecs),
          xmlText('durationInSecs', Math.round(lease.durationMs / 1000)),
          xmlText('registrationTimestamp', lease.registrationTimestamp),
          xmlText('lastRenewalTimestamp', lease.lastRenewalTimestamp),
          xmlText('evictionTimestamp', lease.evictionTimestamp),
          xmlText('serviceUpTimestamp', lease.serviceUpTimestamp),
        ].join(''),
      ),
      metadataXml(i.metadata),
      optionalXml(i, [
        'appGroupName',
        'homePageUrl',
        'statusPageUrl',
        'healthCheckUrl',
        'secureHealthCheckUrl',
        'vipAddress',
        'secureVipAddress',
      ]),
      xmlText('isCoordinatingDiscoveryServer', i.isCoordinatingDiscoveryServer),
      xmlText('lastUpdatedTimestamp', i.lastUpdatedTimestamp),
      xmlText('lastDirtyTimestamp', i.lastDirtyTimestamp),
      xmlText('actionType', action),
      optionalXml(i, ['asgName']),
    ].join(''),
  );
}

const applicationXml = ([name, entries]: AppGroup) =>
  `<application>${xmlText('name', name)}${entries.map((e) => instanceXml(e)).join('')}</application>`;

const PROLOG = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';

export const applicationsXml = (view: ApplicationsView): string =>
  `${PROLOG}<applications>${xmlText('versions__delta', view.versionsDelta)}${xmlText(
    'apps__hashcode',
    view.hashCode,
  )}${view.apps.map(applicationXml).join('')}</applications>`;

export const applicationXmlText = (group: AppGroup): string => `${PROLOG}${applicationXml(group)}`;

export const instanceXmlText = (entry: Entry): string => `${PROLOG}${instanceXml(entry)}`;
