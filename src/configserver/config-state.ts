// The current values, rebuilt from the values topic: label → application → profile → key →
// entry. Only the topic's follower writes it (one record at a time, in offset order).

import type { PropertyAddress, StoredValue } from './records.js';

export interface Entry extends StoredValue {
  /** The offset of the record that set it: the change's version. */
  version: number;
}

export type Properties = Map<string, Entry>;

export class ConfigState {
  readonly #labels = new Map<string, Map<string, Map<string, Properties>>>();
  #count = 0;
  /** The highest version applied (-1 before any). */
  lastVersion = -1;

  apply(offset: number, address: PropertyAddress, value: StoredValue | undefined): void {
    this.lastVersion = Math.max(this.lastVersion, offset);
    const { application, profile, label, key } = address;
    let apps = this.#labels.get(label);
    if (value === undefined) {
      const props = apps?.get(application)?.get(profile);
      if (props?.delete(key)) {
        this.#count--;
        if (props.size === 0) apps?.get(application)?.delete(profile);
        if (apps?.get(application)?.size === 0) apps.delete(application);
        if (apps?.size === 0) this.#labels.delete(label);
      }
      return;
    }
    if (apps === undefined) {
      apps = new Map();
      this.#labels.set(label, apps);
    }
    let profiles = apps.get(application);
    if (profiles === undefined) {
      profiles = new Map();
      apps.set(application, profiles);
    }
    let props = profiles.get(profile);
    if (props === undefined) {
      props = new Map();
      profiles.set(profile, props);
    }
    if (!props.has(key)) this.#count++;
    props.set(key, { ...value, version: offset });
  }

  /** The properties of one (label, application, profile); undefined when it has none. */
  properties(label: string, application: string, profile: string): Properties | undefined {
    return this.#labels.get(label)?.get(application)?.get(profile);
  }

  get(address: PropertyAddress): Entry | undefined {
    return this.properties(address.label, address.application, address.profile)?.get(address.key);
  }

  hasLabel(label: string): boolean {
    return this.#labels.has(label);
  }

  /** Every stored property, optionally only those of a label, application and/or profile. */
  *entries(filter: Partial<Omit<PropertyAddress, 'key'>> = {}): Generator<[PropertyAddress, Entry]> {
    for (const [label, apps] of this.#labels) {
      if (filter.label !== undefined && filter.label !== label) continue;
      for (const [application, profiles] of apps) {
        if (filter.application !== undefined && filter.application !== application) continue;
        for (const [profile, props] of profiles) {
          if (filter.profile !== undefined && filter.profile !== profile) continue;
          for (const [key, entry] of props) yield [{ application, profile, label, key }, entry];
        }
      }
    }
  }

  get size(): number {
    return this.#count;
  }
}
