/** One entry of a pushed stream. */
export interface PushEntry {
  timestampNs: bigint;
  line: string;
  metadata?: Record<string, string>;
}

/** One stream of a Loki push request: its labels and entries, in the order sent. */
export interface PushStream {
  labels: Record<string, string>;
  entries: PushEntry[];
}

export interface PushRequest {
  streams: PushStream[];
}

/** Loki's per-tenant limits that apply to a push body (Loki's defaults). */
export interface PushLimits {
  /** Longest line in bytes (Loki `max_line_size`, 256 KiB). */
  maxLineBytes: number;
  /** Most labels per stream (Loki `max_label_names_per_series`, 15). */
  maxLabelNames: number;
  /** Longest label name (Loki `max_label_name_length`, 1024). */
  maxLabelNameLength: number;
  /** Longest label value (Loki `max_label_value_length`, 2048). */
  maxLabelValueLength: number;
  /** Largest body after decompression; guards against compression bombs (ours: 64 MiB). */
  maxDecompressedBytes: number;
  /**
   * Most streams in one push (ours: 5000, Loki's default `max_global_streams_per_user`, so a push
   * a default Loki could never take whole is refused before it costs memory).
   */
  maxStreams: number;
}

export const DEFAULT_PUSH_LIMITS: PushLimits = {
  maxLineBytes: 256 * 1024,
  maxLabelNames: 15,
  maxLabelNameLength: 1024,
  maxLabelValueLength: 2048,
  maxDecompressedBytes: 64 * 1024 * 1024,
  maxStreams: 5000,
};
