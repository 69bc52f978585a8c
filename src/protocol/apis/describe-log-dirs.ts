import { defineApi } from '../schema/api.js';
import { array, bool, int16, int32, int64, string } from '../schema/fields.js';

export const DescribeLogDirs = defineApi({
  key: 35,
  name: 'DescribeLogDirs',
  versions: '0-4',
  flexible: '2+',
  request: {
    // null asks for every topic.
    topics: array('0+', { topic: string('0+'), partitions: array('0+', 'int32') }, { nullable: '0+' }),
  },
  response: {
    throttleTimeMs: int32('0+'),
    errorCode: int16('3+'),
    results: array('0+', {
      errorCode: int16('0+'),
      logDir: string('0+'),
      topics: array('0+', {
        name: string('0+'),
        partitions: array('0+', {
          partitionIndex: int32('0+'),
          partitionSize: int64('0+'),
          offsetLag: int64('0+'),
          isFutureKey: bool('0+'),
        }),
      }),
      totalBytes: int64('4+', { default: -1 }),
      usableBytes: int64('4+', { default: -1 }),
    }),
  },
});
