// RabbitMQ's topic-exchange matching. A routing key is split on `.` into words, which may be empty
// (`a..b` is a, '', b; `a.` is a, ''), and the empty key has no words at all (rabbit's
// split_topic_key). In a binding pattern `*` matches exactly one word (an empty one too) and `#`
// zero or more words: `#` matches every key including the empty one, `a.#` matches `a`, and `*`
// does not match the empty key. Matching is dynamic programming over (pattern word, key word), so
// a pattern of many `#` costs time linear in their product, never exponential.

export function splitWords(key: string): string[] {
  return key === '' ? [] : key.split('.');
}

export interface TopicPattern {
  readonly source: string;
  matches(routingKey: string): boolean;
}

export function compileTopicPattern(pattern: string): TopicPattern {
  // `#.#` means what `#` means; collapsing keeps the table small.
  const words = splitWords(pattern).filter((w, i, all) => !(w === '#' && all[i - 1] === '#'));
  if (words.length === 1 && words[0] === '#') return { source: pattern, matches: () => true };
  const literal = !words.some((w) => w === '*' || w === '#');
  if (literal) return { source: pattern, matches: (key) => key === pattern };
  return {
    source: pattern,
    matches(routingKey) {
      const key = splitWords(routingKey);
      // can[j]: the pattern's first i words match the key's first j words (row i, rolled).
      let can = new Array<boolean>(key.length + 1).fill(false);
      can[0] = true;
      for (const word of words) {
        const next = new Array<boolean>(key.length + 1).fill(false);
        if (word === '#') {
          let reachable = false;
          for (let j = 0; j <= key.length; j++) {
            reachable ||= can[j];
            next[j] = reachable;
          }
        } else {
          for (let j = 1; j <= key.length; j++) next[j] = can[j - 1] && (word === '*' || word === key[j - 1]);
        }
        can = next;
      }
      return can[key.length];
    },
  };
}
