// `sluice pipeline apply FILE` and the admin API take pipelines as YAML or JSON, in one of three
// shapes: the config file's own (`pipelines: {NAME: ...}`), a mapping of names to definitions, or
// one pipeline with its `name:` (or a list of such). Each is checked by the same schema as the
// config file's section, so the errors are the same; compile the result to check the rest.

import { Ajv, type ValidateFunction } from 'ajv';
import { parseDocument } from 'yaml';
import { ConfigError } from '../../config/index.js';
import { formatKey } from '../../config/key-path.js';
import { problemsOf } from '../../config/problems.js';
// The config room's `unit` (durations like 1s) and `expected` keywords: this file accepts what the
// config file accepts.
import { EXPECTED_KEYWORD, UNIT_KEYWORD } from '../../config/units.js';
import { PIPELINES_SECTION_SCHEMA, type PipelinesSection } from './section.js';

let validator: ValidateFunction | undefined;

function sectionValidator(): ValidateFunction {
  if (validator === undefined) {
    const ajv = new Ajv({ allErrors: true, useDefaults: true, verbose: true, strict: true });
    ajv.addKeyword(UNIT_KEYWORD);
    ajv.addKeyword(EXPECTED_KEYWORD);
    validator = ajv.compile({
      type: 'object',
      additionalProperties: false,
      required: ['pipelines'],
      properties: { pipelines: PIPELINES_SECTION_SCHEMA },
    });
  }
  return validator;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The document as a `pipelines:` mapping of names to definitions. */
function asSection(doc: unknown, label: string): Record<string, unknown> {
  const named = (items: unknown[]) => {
    const out: Record<string, unknown> = {};
    items.forEach((item, i) => {
      if (!isMapping(item) || typeof item.name !== 'string') {
        throw new ConfigError([{ key: '', message: `${label}: pipeline ${i + 1} has no name` }]);
      }
      const { name, ...definition } = item;
      if (name in out)
        throw new ConfigError([{ key: `pipelines.${name}`, message: `${label}: defined twice` }]);
      out[name] = definition;
    });
    return out;
  };
  if (Array.isArray(doc)) return named(doc);
  if (!isMapping(doc)) {
    throw new ConfigError([
      { key: '', message: `${label}: expected a pipeline (with name:) or a mapping of pipelines` },
    ]);
  }
  if ('pipelines' in doc) {
    const extra = Object.keys(doc).filter((k) => k !== 'pipelines');
    if (extra.length > 0)
      throw new ConfigError([{ key: extra[0], message: `${label}: only pipelines: belongs here` }]);
    return isMapping(doc.pipelines) ? doc.pipelines : { '': doc.pipelines };
  }
  if ('name' in doc) return named([doc]);
  return doc;
}

/** Parses and checks pipelines from YAML or JSON text; throws ConfigError naming each bad key. */
export function parsePipelineFile(text: string, label = 'pipeline file'): PipelinesSection {
  const parsed = parseDocument(text);
  const syntax = parsed.errors[0];
  if (syntax !== undefined) {
    throw new ConfigError([
      { key: '', message: `${label} is not valid YAML or JSON: ${syntax.message.split('\n')[0]}` },
    ]);
  }
  const data = { pipelines: asSection(parsed.toJS(), label) };
  const validate = sectionValidator();
  if (!validate(data)) {
    const problems = problemsOf(validate.errors ?? [], data).map((p) => ({
      key: formatKey(p.path),
      message: p.message,
    }));
    throw new ConfigError(problems);
  }
  return data.pipelines as unknown as PipelinesSection;
}
