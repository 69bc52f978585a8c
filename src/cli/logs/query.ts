// `sluice logs query`: one request to Loki's query API, printed as lines.

import { CliError } from '../errors.js';
import { formatEntry, type LokiStream, type OutputMode, streamEntries } from './entry-output.js';
import { apiUrl, getData } from './loki-http.js';
import { formatMetric, type MetricData } from './metric-output.js';

export interface QuerySettings {
  base: URL;
  query: string;
  startNs: bigint;
  endNs: bigint;
  limit: number;
  forward: boolean;
  stepMs: number | undefined;
  output: OutputMode;
  colour: boolean;
}

/**
 * A log query starts with its stream selector (`{app="x"} |= ...`, maybe in parentheses); a
 * metric query starts with a function, an aggregation, a number or `vector(`. The kind decides
 * the endpoint: Loki answers log queries over a range only.
 */
export function isLogQuery(query: string): boolean {
  return /^[\s(]*\{/.test(query);
}

export async function runQuery(settings: QuerySettings, out: NodeJS.WritableStream): Promise<void> {
  const { base, query, startNs, endNs, limit, forward, stepMs, output, colour } = settings;
  if (isLogQuery(query) || stepMs !== undefined) {
    const data = await getData<{ resultType: string; result: unknown }>(
      apiUrl(base, 'loki/api/v1/query_range', {
        query,
        start: String(startNs),
        end: String(endNs),
        limit: String(limit),
        direction: forward ? 'forward' : 'backward',
        step: stepMs === undefined ? undefined : `${stepMs / 1000}`,
      }),
    );
    if (data.resultType === 'streams') {
      // The server sorted within each stream; the lines of all streams are merged here.
      for (const entry of streamEntries(data.result as LokiStream[], !forward)) {
        out.write(formatEntry(entry, output, colour));
      }
      return;
    }
    printMetric(data, output, out);
    return;
  }
  // A metric query without --step: its value at the end of the range, like Grafana's table view.
  const data = await getData<{ resultType: string; result: unknown }>(
    apiUrl(base, 'loki/api/v1/query', { query, time: String(endNs), limit: String(limit) }),
  );
  printMetric(data, output, out);
}

function printMetric(
  data: { resultType: string; result: unknown },
  output: OutputMode,
  out: NodeJS.WritableStream,
) {
  if (data.resultType !== 'vector' && data.resultType !== 'matrix' && data.resultType !== 'scalar') {
    throw new CliError(`unexpected result type '${data.resultType}' from the server`);
  }
  out.write(formatMetric(data as MetricData, output));
}
