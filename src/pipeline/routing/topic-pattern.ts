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

// The router asks every binding about the same key in a row: its words are split once.
let lastKey: string | undefined;
let lastWords: readonly string[] = [];

function wordsOf(routingKey: string): readonly string[] {
  if (routingKey !== lastKey) {
    lastWords = splitWords(routingKey);
    lastKey = routingKey;
  }
  return lastWords;
}

export function compileTopicPattern(pattern: string): TopicPattern {
  // `#.#` means what `#` means; collapsing keeps the table small.
  const words = splitWords(pattern).filter((w, i, all) => !(w === '#' && all[i - 1] === '#'));
  if (words.length === 1 && words[0] === '#') return { source: pattern, matches: () => true };
  const literal = !words.some((w) => w === '*' || w === '#');
  if (literal) return { source: pattern, matches: (key) => key === pattern };
  if (!words.includes('#')) {
    // Only `*`: word for word.
    return {
      source: pattern,
      matches(routingKey) {
        const key = wordsOf(routingKey);
        if (key.length !== words.length) return false;
        for (let i = 0; i < words.length; i++) if (words[i] !== '*' && words[i] !== key[i]) return false;
        return true;
      },
    };
  }
  return {
    source: pattern,
    matches(routingKey) {
      const key = wordsOf(routingKey);
      // can[j]: the pattern's first i words match the key's first j words (row i, rolled).
      let can = new Uint8Array(key.length + 1);
      can[0] = 1;
      let next = new Uint8Array(key.length + 1);
      for (const word of words) {
        next.fill(0);
        if (word === '#') {
          let reachable = 0;
          for (let j = 0; j <= key.length; j++) {
            reachable |= can[j];
            next[j] = reachable;
          }
        } else {
          for (let j = 1; j <= key.length; j++) {
            next[j] = can[j - 1] && (word === '*' || word === key[j - 1]) ? 1 : 0;
          }
        }
        [can, next] = [next, can];
      }
      return can[key.length] === 1;
    },
  };
}
