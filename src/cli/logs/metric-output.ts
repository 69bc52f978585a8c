// Metric query results as `sluice logs query` prints them: a vector as `{labels} value` lines, a
// matrix as one `TIMESTAMP {labels} value` line per step, a scalar as its value; or JSON lines.

import { labelText, type OutputMode } from './entry-output.js';
import { formatMillisTime } from './time-flags.js';

type Sample = [number, string];

export interface MetricData {
  resultType: 'vector' | 'matrix' | 'scalar';
  result: unknown;
}

interface VectorSample {
  metric: Record<string, string>;
  value: Sample;
}

interface MatrixSeries {
  metric: Record<string, string>;
  values: Sample[];
}

/** Loki's sample time: Unix seconds as a float. */
function sampleTimeNs(seconds: number): bigint {
  return BigInt(Math.round(seconds * 1000)) * 1_000_000n;
}

function line(mode: OutputMode, metric: Record<string, string>, [time, value]: Sample, withTime: boolean) {
  if (mode === 'jsonl') return `${JSON.stringify({ metric, timestamp: time, value })}\n`;
  const labels = mode === 'raw' ? '' : `${labelText(metric)} `;
  return withTime ? `${formatMillisTime(sampleTimeNs(time))} ${labels}${value}\n` : `${labels}${value}\n`;
}

/** Every output line for a metric result; series keep the server's order, samples are by time. */
export function formatMetric(data: MetricData, mode: OutputMode): string {
  if (data.resultType === 'scalar') {
    const sample = data.result as Sample;
    return line(mode, {}, sample, false).replace(/^\{\} /, '');
  }
  if (data.resultType === 'vector') {
    return (data.result as VectorSample[]).map((s) => line(mode, s.metric, s.value, false)).join('');
  }
  return (data.result as MatrixSeries[])
    .flatMap((s) => s.values.map((sample) => line(mode, s.metric, sample, true)))
    .join('');
}
