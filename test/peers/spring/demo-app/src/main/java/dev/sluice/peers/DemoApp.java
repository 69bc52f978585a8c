package dev.sluice.peers;

import com.netflix.spectator.api.DefaultRegistry;
import com.netflix.spectator.api.Spectator;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot service as our users run them (Eureka client, Config client, Bus on Kafka),
 * with two endpoints that let a test see what the clients did: GET /greeting and
 * GET /discovery-stats.
 */
@SpringBootApplication
public class DemoApp {
  public static void main(String[] args) {
    // Eureka's DiscoveryClient counts hash-code mismatches on Spectator's global registry, which
    // drops everything until a real registry is added to it; add one before the client exists.
    Spectator.globalRegistry().add(new DefaultRegistry());
    SpringApplication.run(DemoApp.class, args);
  }
}
