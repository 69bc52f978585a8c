package dev.sluice.peers;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.cloud.context.config.annotation.RefreshScope;
import org.springframework.stereotype.Component;

/** The property a bus refresh must change: rebuilt by the refresh scope on each refresh. */
@Component
@RefreshScope
public class Greeting {
  private final String text;

  public Greeting(@Value("${demo.greeting:<unset>}") String text) {
    this.text = text;
  }

  public String text() {
    return text;
  }
}
