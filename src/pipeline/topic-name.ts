// Kafka's rule for topic names (org.apache.kafka.common.internals.Topic.validate): 1 to 249
// characters of [a-zA-Z0-9._-], and not `.` or `..`. Checked at load for every topic a pipeline
// writes to, so a typo is refused before a message is lost to it.

const LEGAL = /^[a-zA-Z0-9._-]+$/;
export const MAX_TOPIC_NAME_LENGTH = 249;

/** Why `name` is no legal topic name, or undefined when it is one. */
export function topicNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'a topic name must not be empty';
  if (name === '.' || name === '..') return `'${name}' is not a legal topic name`;
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    return `a topic name is at most ${MAX_TOPIC_NAME_LENGTH} characters, '${name.slice(0, 20)}...' has ${name.length}`;
  }
  if (!LEGAL.test(name)) {
    const bad = [...name].find((c) => !/[a-zA-Z0-9._-]/.test(c));
    return `'${name}' is not a legal topic name: ${JSON.stringify(bad)} is not one of a-z A-Z 0-9 . _ -`;
  }
  return undefined;
}
