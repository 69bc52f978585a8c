/** The `data` member of Loki's query responses. */

export type StreamValue = [string, string];
export type SamplePair = [number, string];

export interface StreamsData {
  resultType: 'streams';
  result: Array<{ stream: Record<string, string>; values: StreamValue[] }>;
  stats: QueryStats;
}

export interface MatrixData {
  resultType: 'matrix';
  result: Array<{ metric: Record<string, string>; values: SamplePair[] }>;
  stats: QueryStats;
}

export interface VectorData {
  resultType: 'vector';
  result: Array<{ metric: Record<string, string>; value: SamplePair }>;
  stats: QueryStats;
}

export interface ScalarData {
  resultType: 'scalar';
  result: SamplePair;
  stats: QueryStats;
}

export type QueryData = StreamsData | MatrixData | VectorData | ScalarData;

/** The summary part of Loki's `stats` (Grafana shows it in the query inspector). */
export interface QueryStats {
  summary: {
    bytesProcessedPerSecond: number;
    linesProcessedPerSecond: number;
    totalBytesProcessed: number;
    totalLinesProcessed: number;
    totalEntriesReturned: number;
    execTime: number;
    queueTime: number;
    subqueries: number;
    totalPostFilterLines: number;
  };
}

/** Counters an evaluation keeps while it reads. */
export class StatsCounter {
  lines = 0;
  bytes = 0;
  postFilterLines = 0;
  private readonly started = performance.now();

  summary(returned: number): QueryStats {
    const execTime = (performance.now() - this.started) / 1000;
    const per = (n: number) => (execTime > 0 ? Math.round(n / execTime) : 0);
    return {
      summary: {
        bytesProcessedPerSecond: per(this.bytes),
        linesProcessedPerSecond: per(this.lines),
        totalBytesProcessed: this.bytes,
        totalLinesProcessed: this.lines,
        totalEntriesReturned: returned,
        execTime,
        queueTime: 0,
        subqueries: 0,
        totalPostFilterLines: this.postFilterLines,
      },
    };
  }
}
