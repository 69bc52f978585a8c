package dev.sluice.peers;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cloud.config.server.EnableConfigServer;

/** Spring's own Config server (native backend, /monitor, Bus on Kafka): the control. */
@SpringBootApplication
@EnableConfigServer
public class ConfigServerApp {
  public static void main(String[] args) {
    SpringApplication.run(ConfigServerApp.class, args);
  }
}
