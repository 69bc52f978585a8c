import type { LogLevel } from './levels.js';

/** Which shape a line was recognised as. */
export type LineFormat = 'pino' | 'fluentbit' | 'vector' | 'json' | 'syslog' | 'logfmt' | 'text' | 'binary';

/** What a line says about itself. Everything but format and level may be missing. */
export interface ParsedLine {
  format: LineFormat;
  level: LogLevel;
  timestampNs?: bigint;
  /** A field that names the service outright (`service`, `app`...): wins over the record key. */
  service?: string;
  /** A weaker hint (pino's `name`, a container or program name): used when the record has no key. */
  serviceHint?: string;
  /** Further stream labels: host, job, source, namespace (already valid names, bounded values). */
  labels: Record<string, string>;
}
