// Plain-text tables as Apache Kafka's tools print them: a header row, then one row per line, each
// column padded to its widest cell and separated by one space (the last column is not padded).

/** Kafka's tools show a value they do not have (no member, no committed offset) as "-". */
export const MISSING = '-';

export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join(' ')
      .trimEnd();
  return [header, ...rows].map((cells) => `${line(cells)}\n`).join('');
}
