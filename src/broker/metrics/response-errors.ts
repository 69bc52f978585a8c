/**
 * The non-zero `errorCode` values anywhere in a response, one per occurrence (as Kafka's
 * ErrorsPerSec counts them). Record bytes are skipped; most responses yield an empty list.
 */
export function responseErrorCodes(response: unknown): number[] {
  const found: number[] = [];
  collect(response, found);
  return found;
}

function collect(value: unknown, found: number[]): void {
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return;
  if (Array.isArray(value)) {
    for (const item of value) collect(item, found);
    return;
  }
  for (const [key, field] of Object.entries(value)) {
    if (key === 'errorCode') {
      if (typeof field === 'number' && field !== 0) found.push(field);
    } else if (typeof field === 'object' && field !== null && key !== 'records') {
      collect(field, found);
    }
  }
}
