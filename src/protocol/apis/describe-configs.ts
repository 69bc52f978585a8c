import { defineApi } from '../schema/api.js';
import { array, bool, int8, int16, int32, string } from '../schema/fields.js';

export const DescribeConfigs = defineApi({
  key: 32,
  name: 'DescribeConfigs',
  versions: '0-4',
  flexible: '4+',
  request: {
    resources: array('0+', {
      resourceType: int8('0+'),
      resourceName: string('0+'),
      configurationKeys: array('0+', 'string', { nullable: '0+' }),
    }),
    includeSynonyms: bool('1+'),
    includeDocumentation: bool('3+'),
  },
  response: {
    throttleTimeMs: int32('0+'),
    results: array('0+', {
      errorCode: int16('0+'),
      errorMessage: string('0+', { nullable: '0+' }),
      resourceType: int8('0+'),
      resourceName: string('0+'),
      configs: array('0+', {
        name: string('0+'),
        value: string('0+', { nullable: '0+' }),
        readOnly: bool('0+'),
        isDefault: bool('0'),
        configSource: int8('1+', { default: -1 }),
        isSensitive: bool('0+'),
        synonyms: array('1+', {
          name: string('1+'),
          value: string('1+', { nullable: '0+' }),
          source: int8('1+'),
        }),
        configType: int8('3+'),
        documentation: string('3+', { nullable: '0+' }),
      }),
    }),
  },
});
