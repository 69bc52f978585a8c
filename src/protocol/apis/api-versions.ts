import { defineApi } from '../schema/api.js';
import { array, bool, int16, int32, int64, string } from '../schema/fields.js';

export const ApiVersions = defineApi({
  key: 18,
  name: 'ApiVersions',
  versions: '0-4',
  flexible: '3+',
  request: {
    clientSoftwareName: string('3+'),
    clientSoftwareVersion: string('3+'),
  },
  response: {
    errorCode: int16('0+'),
    apiKeys: array('0+', {
      apiKey: int16('0+'),
      minVersion: int16('0+'),
      maxVersion: int16('0+'),
    }),
    throttleTimeMs: int32('1+'),
    supportedFeatures: array(
      '3+',
      { name: string('3+'), minVersion: int16('3+'), maxVersion: int16('3+') },
      { tag: 0 },
    ),
    finalizedFeaturesEpoch: int64('3+', { tag: 1, default: -1 }),
    finalizedFeatures: array(
      '3+',
      { name: string('3+'), maxVersionLevel: int16('3+'), minVersionLevel: int16('3+') },
      { tag: 2 },
    ),
    zkMigrationReady: bool('3+', { tag: 3 }),
  },
});
