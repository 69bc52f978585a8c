import { defineApi } from '../schema/api.js';
import { array, int16, int32, string } from '../schema/fields.js';

export const ListGroups = defineApi({
  key: 16,
  name: 'ListGroups',
  versions: '0-5',
  flexible: '3+',
  request: {
    statesFilter: array('4+', 'string'),
    typesFilter: array('5+', 'string'),
  },
  response: {
    throttleTimeMs: int32('1+'),
    errorCode: int16('0+'),
    groups: array('0+', {
      groupId: string('0+'),
      protocolType: string('0+'),
      groupState: string('4+'),
      groupType: string('5+'),
    }),
  },
});
