// The sections of Sluice's config file: the broker's, the platform's own two, then those of the
// platform's components, taken from its one list of components (src/platform/components.ts). A
// component owns its section (its JSON Schema and the type it resolves to); the root schema, the
// environment variables and `--check-config` follow from this list.

import { brokerConfigSection } from '../broker/index.js';
// Light files, not the platform's door: that loads the HTTP server and the Kafka client library,
// which reading a config file (and `sluice broker`) does not need.
import { COMPONENT_SECTIONS, type ComponentSection } from '../platform/components.js';
import { httpConfigSection, platformConfigSection } from '../platform/config-section.js';

const CORE_SECTIONS = [brokerConfigSection, httpConfigSection, platformConfigSection] as const;

type Section = (typeof CORE_SECTIONS)[number] | ComponentSection;

export const SECTIONS: readonly Section[] = [...CORE_SECTIONS, ...COMPONENT_SECTIONS];

/** The whole configuration once resolved: every section, every default filled in. */
export type SluiceConfig = { [S in Section as S['name']]: NonNullable<S['value']> };

export const SECTION_NAMES: readonly string[] = SECTIONS.map((s) => s.name);
