// Spring's Environment for (application, profiles, label): one property source per stored
// (application, profile), most specific first — later profiles before earlier ones, each
// application's profiles before its own default values, the asked application(s) before the
// shared `application` — as Spring's JDBC backend orders them. Secrets are decrypted on the way
// out, as Spring's server does; one that cannot be becomes `invalid.<key>: <n/a>` like Spring's.

import { CIPHER_PREFIX, isCipherText, type TextCipher } from './cipher.js';
import type { ConfigState } from './config-state.js';
import { DEFAULT_PROFILE, SHARED_APPLICATION } from './names.js';

export interface PropertySourceBody {
  name: string;
  source: Record<string, string>;
}

export interface EnvironmentBody {
  name: string;
  profiles: string[];
  label: string;
  version: string | null;
  state: string | null;
  propertySources: PropertySourceBody[];
}

export interface EnvironmentQuery {
  /** As asked: one application or a comma list. */
  name: string;
  profiles: string[];
  label: string;
}

export function buildEnvironment(
  state: ConfigState,
  query: EnvironmentQuery,
  cipher: TextCipher | undefined,
): EnvironmentBody {
  const names = query.name
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n.length > 0);
  const applications = [...new Set([SHARED_APPLICATION, ...names])].reverse();
  const profiles = [...new Set([DEFAULT_PROFILE, ...query.profiles])].reverse();
  const propertySources: PropertySourceBody[] = [];
  let version = -1;
  for (const application of applications) {
    for (const profile of profiles) {
      const props = state.properties(query.label, application, profile);
      if (props === undefined || props.size === 0) continue;
      const source: Record<string, string> = {};
      for (const key of [...props.keys()].sort()) {
        const entry = props.get(key);
        if (entry === undefined) continue;
        version = Math.max(version, entry.version);
        const [k, v] = served(key, entry.value, cipher);
        source[k] = v;
      }
      const name = profile === DEFAULT_PROFILE ? application : `${application}-${profile}`;
      propertySources.push({ name, source });
    }
  }
  return {
    name: query.name,
    profiles: query.profiles,
    label: query.label,
    version: version < 0 ? null : String(version),
    state: null,
    propertySources,
  };
}

function served(key: string, value: string, cipher: TextCipher | undefined): [string, string] {
  // Without a key the client gets the cipher text, as from Spring's server without one.
  if (!isCipherText(value) || cipher === undefined) return [key, value];
  try {
    return [key, cipher.decrypt(value.slice(CIPHER_PREFIX.length))];
  } catch {
    return [`invalid.${key}`, '<n/a>'];
  }
}
