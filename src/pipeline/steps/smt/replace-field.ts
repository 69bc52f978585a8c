// replaceField (Connect's ReplaceField): keeps only `include` (top-level names), drops `exclude`,
// then applies `renames` (old path → new path). Connect users know the first two as include /
// exclude (formerly whitelist / blacklist) and the last as renames.

import { fail, ok } from '../../failure.js';
import { deleteField, getField, parseFieldPath, setField } from '../../field-path.js';
import { jsonStep, type Step, type StepKind } from '../step.js';
import { asObject, FIELD_LIST } from './shared.js';

interface ReplaceFieldOptions {
  readonly include?: readonly string[];
  readonly exclude?: readonly string[];
  readonly renames?: Readonly<Record<string, string>>;
}

export const replaceFieldStep: StepKind<ReplaceFieldOptions> = {
  type: 'replaceField',
  schema: {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    properties: {
      include: FIELD_LIST,
      exclude: FIELD_LIST,
      renames: { type: 'object', additionalProperties: { type: 'string', minLength: 1 }, minProperties: 1 },
    },
  },
  compile(options): Step {
    const include = options.include === undefined ? undefined : new Set(options.include);
    const exclude = (options.exclude ?? []).map(parseFieldPath);
    const renames = Object.entries(options.renames ?? {}).map(([from, to]) => [
      parseFieldPath(from),
      parseFieldPath(to),
    ]);
    return jsonStep('replaceField', (value, message) => {
      let out = asObject(value, 'replaceField');
      if (typeof out === 'string') return fail(out);
      if (include !== undefined)
        out = Object.fromEntries(Object.entries(out).filter(([k]) => include.has(k)));
      for (const path of exclude) out = deleteField(out, path);
      for (const [from, to] of renames) {
        const moved = getField(out, from);
        if (moved === undefined) continue;
        out = setField(deleteField(out, from), to, moved);
      }
      return ok(message.withJson(out));
    });
  },
};
