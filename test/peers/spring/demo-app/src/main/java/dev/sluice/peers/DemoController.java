package dev.sluice.peers;

import com.netflix.discovery.DiscoveryClient;
import com.netflix.discovery.EurekaClient;
import com.netflix.discovery.shared.Application;
import com.netflix.discovery.shared.Applications;
import com.netflix.spectator.api.Counter;
import com.netflix.spectator.api.Meter;
import com.netflix.spectator.api.Spectator;
import com.netflix.spectator.api.Timer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class DemoController {
  private final Greeting greeting;
  private final EurekaClient eureka;
  private final EurekaTraffic traffic;

  public DemoController(Greeting greeting, EurekaClient eureka, EurekaTraffic traffic) {
    this.greeting = greeting;
    this.eureka = eureka;
    this.traffic = traffic;
  }

  @GetMapping("/greeting")
  public String greeting() {
    return greeting.text();
  }

  /** What the Eureka client sees and did: its local registry, fetch kinds, hash mismatches. */
  @GetMapping("/discovery-stats")
  public Map<String, Object> discoveryStats() {
    Map<String, Object> out = new LinkedHashMap<>(traffic.snapshot());
    out.put("reconcileHashCodeMismatches", countOf("DiscoveryClient_ReconcileHashCodeMismatch"));
    out.put("registryFetches", countOf("DiscoveryClient_FetchRegistry"));
    Applications apps = eureka.getApplications();
    out.put("appsHashCode", apps.getAppsHashCode());
    out.put("reconcileHashCode", apps.getReconcileHashCode());
    out.put("version", apps.getVersion());
    List<Map<String, Object>> list = new ArrayList<>();
    for (Application app : apps.getRegisteredApplications()) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("name", app.getName());
      one.put("count", app.getInstancesAsIsFromEureka().size());
      List<String> ids = new ArrayList<>();
      app.getInstancesAsIsFromEureka().forEach(i -> ids.add(i.getId() + " " + i.getStatus()));
      one.put("instances", ids);
      list.add(one);
    }
    out.put("applications", list);
    out.put("remoteStatus", String.valueOf(eureka.getInstanceRemoteStatus()));
    if (target(eureka) instanceof DiscoveryClient client) {
      out.put("lastSuccessfulRegistryFetchMs", client.getStats().lastSuccessfulRegistryFetchTimestampMs());
      out.put("lastSuccessfulHeartbeatMs", client.getStats().lastSuccessfulHeartbeatTimestampMs());
    }
    return out;
  }

  /** Eureka's own meter of that name, summed over its tags (it tags each with its class). */
  private static long countOf(String name) {
    long total = 0;
    for (Meter meter : Spectator.globalRegistry()) {
      if (!meter.id().name().equals(name)) continue;
      if (meter instanceof Counter counter) total += counter.count();
      else if (meter instanceof Timer timer) total += timer.count();
    }
    return total;
  }

  /** The EurekaClient bean is a refresh-scope proxy: its stats live on the target. */
  private static Object target(Object bean) {
    try {
      if (bean instanceof org.springframework.aop.framework.Advised advised) {
        return advised.getTargetSource().getTarget();
      }
    } catch (Exception e) {
      return bean;
    }
    return bean;
  }
}
