package dev.sluice.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * RabbitMQ's topic-exchange matching, as Sluice's pipelines do it (src/pipeline/routing/topic-pattern.ts):
 * a routing key is split on '.' into words (which may be empty; the empty key has none); in a
 * pattern '*' matches exactly one word and '#' zero or more. Dynamic programming over (pattern
 * word, key word), so many '#' never cost exponential time.
 *
 * Run alone (no dependencies) it reads "pattern TAB key" lines on stdin and prints 1 or 0 for
 * each: the unit tests compare it with the TypeScript matcher.
 */
public final class TopicPattern {
  private final String[] words;

  public TopicPattern(String pattern) {
    List<String> kept = new ArrayList<>();
    for (String w : split(pattern)) {
      // '#.#' means what '#' means.
      if (w.equals("#") && !kept.isEmpty() && kept.get(kept.size() - 1).equals("#")) continue;
      kept.add(w);
    }
    this.words = kept.toArray(new String[0]);
  }

  static String[] split(String key) {
    return key.isEmpty() ? new String[0] : key.split("\\.", -1);
  }

  public boolean matches(String routingKey) {
    String[] key = split(routingKey);
    boolean[] can = new boolean[key.length + 1];
    can[0] = true;
    for (String word : words) {
      boolean[] next = new boolean[key.length + 1];
      if (word.equals("#")) {
        boolean reachable = false;
        for (int j = 0; j <= key.length; j++) {
          reachable |= can[j];
          next[j] = reachable;
        }
      } else {
        for (int j = 1; j <= key.length; j++) {
          next[j] = can[j - 1] && (word.equals("*") || word.equals(key[j - 1]));
        }
      }
      can = next;
    }
    return can[key.length];
  }

  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    StringBuilder out = new StringBuilder();
    for (String line; (line = in.readLine()) != null; ) {
      int tab = line.indexOf('\t');
      if (tab < 0) continue;
      out.append(new TopicPattern(line.substring(0, tab)).matches(line.substring(tab + 1)) ? '1' : '0').append('\n');
    }
    System.out.print(out);
  }
}
