// The sections of Sluice's config file, one per component. A component owns its section (its JSON
// Schema and the type it resolves to) and adds it here with one line; the root schema, the
// environment variables and `--check-config` follow from this list.

import { brokerConfigSection } from '../broker/index.js';
// Section files, not the rooms' doors: those load the HTTP server and the Kafka client library,
// which reading a config file (and `sluice broker`) does not need.
import { logsConfigSection } from '../logs/store/logs-config.js';
import { alertsConfigSection } from '../metrics/alerts/config.js';
import { httpConfigSection, platformConfigSection } from '../platform/config-section.js';

export const SECTIONS = [
  brokerConfigSection,
  httpConfigSection,
  platformConfigSection,
  logsConfigSection,
  alertsConfigSection,
] as const;

type Section = (typeof SECTIONS)[number];

/** The whole configuration once resolved: every section, every default filled in. */
export type SluiceConfig = { [S in Section as S['name']]: NonNullable<S['value']> };

export const SECTION_NAMES: readonly string[] = SECTIONS.map((s) => s.name);
