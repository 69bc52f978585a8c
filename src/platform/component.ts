// The one shape every platform component has: its config section, its routes (a fastify plugin),
// its metrics, its health indicators and its background work, all given through one context.
// `sluice start` composes the components from one list (components.ts); the config room takes
// their sections from that same list, so adding a component is one line.

import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { HealthRegistry } from './health/health.js';
import type { IndexEntry } from './index-page.js';

/** A component's entry in the config room's list of sections (its `name:` key in the file). */
export interface ConfigSection<Name extends string = string, Value = unknown> {
  readonly name: Name;
  /** JSON Schema of the section; the config room validates it and fills in defaults. */
  readonly schema: object;
  /** Type only: what the section resolves to. */
  readonly value: Value | undefined;
}

/** What the section resolves to once validated (undefined for a component without one). */
export type SectionValue<S> = S extends ConfigSection<string, infer V> ? V : undefined;

/** Facts about the running platform a component may show or link to. */
export interface PlatformFacts {
  readonly clusterId: string;
  readonly dataDir: string;
  readonly version: string;
  /** The HTTP server's base URL; empty until it listens. */
  url(): string;
  /** Whether the platform is ready: listening, every component ready, not closing. */
  ready(): boolean;
}

/** Everything a component is given when it starts. */
export interface ComponentContext<Config = unknown> {
  /** The Kafka broker's address: components reach Sluice's broker as they would reach Apache Kafka. */
  readonly bootstrap: string;
  /** The component's config section, validated, every default filled in. */
  readonly config: Config;
  /** A child of the platform's logger with `component: <name>`. */
  readonly logger: Logger;
  /** The platform's metrics registry, scraped at /metrics. */
  readonly registry: Registry;
  /** Where the component adds its health indicators (shown under /actuator/health). */
  readonly health: HealthRegistry;
  /** The platform's HTTP server, not listening yet: register routes as a plugin (`app.register`). */
  readonly app: FastifyInstance;
  /** Aborted when the platform closes, also while components are still starting. */
  readonly signal: AbortSignal;
  readonly platform: PlatformFacts;
}

/** A started component. */
export interface ComponentHandle {
  /** Stops its work and lets go of what it holds; called once, in reverse order of starting. */
  close(): Promise<void>;
  /** Whether it can serve; the platform's readiness is false while any component's is. */
  ready?(): boolean;
}

export interface PlatformComponent<S extends ConfigSection | undefined = ConfigSection | undefined> {
  /** Names it in logs and in the error when it fails to start. */
  readonly name: string;
  /** Its section of the config file, or undefined when it has none. */
  readonly section: S;
  /** The routes it serves that `GET /` lists for a reader (only those actually registered show). */
  readonly endpoints?: readonly IndexEntry[];
  /**
   * Imports its heavy modules, which this file must not import at the top: the config room loads
   * the list, and `sluice broker` needs none of them. The platform thread calls it as soon as it
   * exists, so the code loads while the broker recovers its logs; `start` awaits the same import.
   */
  load?(): Promise<unknown>;
  /** Starts it. Routes go through `context.app.register` before the server listens. */
  start(context: ComponentContext<SectionValue<S>>): Promise<ComponentHandle>;
}
