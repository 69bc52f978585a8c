import { defineApi } from '../schema/api.js';
import { array, int16, int32, string } from '../schema/fields.js';

export const DeleteGroups = defineApi({
  key: 42,
  name: 'DeleteGroups',
  versions: '0-2',
  flexible: '2+',
  request: {
    groupsNames: array('0+', 'string'),
  },
  response: {
    throttleTimeMs: int32('0+'),
    results: array('0+', { groupId: string('0+'), errorCode: int16('0+') }),
  },
});
