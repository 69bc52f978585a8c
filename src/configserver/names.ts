// What an application, profile, label and property key may be called. Keys follow Spring Boot's
// property names (dotted words with list indexes, e.g. `spring.datasource.url`, `servers[0].host`),
// so every stored key renders as YAML, JSON and .properties the way Spring renders them.

import { SluiceError } from '../errors/index.js';

/** The profile holding an application's values that belong to no profile (as Spring's JDBC backend). */
export const DEFAULT_PROFILE = 'default';
/** The application whose values every application receives. */
export const SHARED_APPLICATION = 'application';

const NAME = /^[A-Za-z0-9_.-]{1,128}$/;
const LABEL = /^[A-Za-z0-9_.\-/]{1,128}$/;
const WORD = '[A-Za-z0-9_-]+(?:\\[\\d{1,6}\\])*';
const KEY = new RegExp(`^${WORD}(?:\\.${WORD})*$`);
const MAX_KEY_LENGTH = 256;

const bad = (what: string, value: string, hint: string, details: Record<string, unknown> = {}) =>
  new SluiceError('INVALID_ARGUMENT', `illegal ${what} '${value}'`, {
    hint,
    details: { [what]: value, ...details },
  });

export function checkApplication(name: string): string {
  if (!NAME.test(name) || name.startsWith('.')) {
    throw bad('application', name, 'an application name is 1 to 128 letters, digits, ".", "_" or "-"');
  }
  return name;
}

export function checkProfile(name: string): string {
  if (!NAME.test(name) || name.startsWith('.')) {
    throw bad('profile', name, 'a profile name is 1 to 128 letters, digits, ".", "_" or "-"');
  }
  return name;
}

export function checkLabel(label: string): string {
  if (!LABEL.test(label) || label.startsWith('/') || label.endsWith('/') || label.includes('//')) {
    throw bad(
      'label',
      label,
      'a label is 1 to 128 letters, digits, ".", "_", "-" or "/" (written "(_)" in URLs)',
    );
  }
  return label;
}

export function checkKey(key: string): string {
  if (key.length > MAX_KEY_LENGTH || !KEY.test(key)) {
    throw bad(
      'key',
      key,
      'a key is dot-separated words of letters, digits, "_" or "-", each optionally indexed ' +
        `like servers[0] (Spring Boot property names), at most ${MAX_KEY_LENGTH} characters`,
    );
  }
  return key;
}

/** A comma list of profiles as a client sends it; none means Spring's `default`. */
export function parseProfiles(text: string): string[] {
  const profiles = [...new Set(text.split(',').map((p) => p.trim()))].filter((p) => p.length > 0);
  for (const p of profiles) checkProfile(p);
  return profiles.length === 0 ? [DEFAULT_PROFILE] : profiles;
}

/** Spring writes a `/` of a label (or application) as `(_)` in a URL path. */
export function decodeSlashes(segment: string): string {
  return segment.replaceAll('(_)', '/');
}

/** `orders,dev` (the CLI's APP[,PROFILE]) → application and profile. */
export function splitAppProfile(text: string): { application: string; profile: string } {
  const comma = text.indexOf(',');
  const application = comma < 0 ? text : text.slice(0, comma);
  const profile = comma < 0 ? DEFAULT_PROFILE : text.slice(comma + 1);
  return { application: checkApplication(application), profile: checkProfile(profile) };
}
