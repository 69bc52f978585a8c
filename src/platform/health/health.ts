/**
 * Health in Spring Boot Actuator's terms: each indicator reports a status with optional details,
 * and the overall status is the most severe one (DOWN, OUT_OF_SERVICE, UP, UNKNOWN, in that order).
 */
export type HealthStatus = 'UP' | 'DOWN' | 'OUT_OF_SERVICE' | 'UNKNOWN';

export interface HealthResult {
  status: HealthStatus;
  details?: Record<string, unknown>;
}

export interface HealthIndicator {
  /** The component name in the report, camelCase as Spring names them (e.g. diskSpace). */
  readonly name: string;
  check(): Promise<HealthResult>;
}

export interface HealthReport {
  status: HealthStatus;
  components: Record<string, HealthResult>;
}

const SEVERITY: readonly HealthStatus[] = ['DOWN', 'OUT_OF_SERVICE', 'UP', 'UNKNOWN'];
const CHECK_TIMEOUT_MS = 3000;

export function aggregateStatus(statuses: Iterable<HealthStatus>): HealthStatus {
  let worst = SEVERITY.length;
  for (const s of statuses) worst = Math.min(worst, SEVERITY.indexOf(s));
  return SEVERITY[worst] ?? 'UNKNOWN';
}

/** Indicators registered by components; checks run in parallel, each bounded in time. */
export class HealthRegistry {
  private readonly indicators = new Map<string, HealthIndicator>();

  add(indicator: HealthIndicator): void {
    if (this.indicators.has(indicator.name)) throw new Error(`health indicator ${indicator.name} exists`);
    this.indicators.set(indicator.name, indicator);
  }

  /** Removes an indicator (a pipeline deleted at run time); unknown names are ignored. */
  remove(name: string): void {
    this.indicators.delete(name);
  }

  /** One indicator's answer (bounded in time like the report's); UNKNOWN when none has that name. */
  check(name: string): Promise<HealthResult> {
    const indicator = this.indicators.get(name);
    return indicator ? runCheck(indicator) : Promise.resolve({ status: 'UNKNOWN' });
  }

  async report(): Promise<HealthReport> {
    const entries = await Promise.all(
      [...this.indicators.values()].map(async (i) => [i.name, await runCheck(i)] as const),
    );
    const components = Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
    return { status: aggregateStatus(entries.map(([, r]) => r.status)), components };
  }
}

async function runCheck(indicator: HealthIndicator): Promise<HealthResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<HealthResult>((resolve) => {
    timer = setTimeout(
      () => resolve({ status: 'DOWN', details: { error: `no answer within ${CHECK_TIMEOUT_MS} ms` } }),
      CHECK_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([indicator.check(), timeout]);
  } catch (err) {
    return { status: 'DOWN', details: { error: (err as Error).message } };
  } finally {
    clearTimeout(timer);
  }
}
