package dev.sluice.peers;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Counts and remembers the Eureka client's requests by kind, as its transport sends them:
 * a full fetch is GET .../apps/, a delta GET .../apps/delta. The DiscoveryClient itself only
 * times fetches as a whole, so this is where full and delta fetches can be told apart.
 */
public class EurekaTraffic implements ClientHttpRequestInterceptor {
  final AtomicLong fullFetches = new AtomicLong();
  final AtomicLong deltaFetches = new AtomicLong();
  final AtomicLong registers = new AtomicLong();
  final AtomicLong renewals = new AtomicLong();
  final AtomicLong cancels = new AtomicLong();
  private final Map<String, Map<String, Object>> lastByKind = new LinkedHashMap<>();
  private final List<String> statuses = new ArrayList<>();

  @Override
  public ClientHttpResponse intercept(
      HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
      throws java.io.IOException {
    String kind = kindOf(request.getMethod().name(), request.getURI().getPath());
    ClientHttpResponse response = execution.execute(request, body);
    int status = response.getStatusCode().value();
    synchronized (this) {
      Map<String, Object> seen = new LinkedHashMap<>();
      seen.put("method", request.getMethod().name());
      seen.put("uri", request.getURI().toString());
      seen.put("headers", request.getHeaders().toSingleValueMap());
      seen.put("body", new String(body, StandardCharsets.UTF_8));
      seen.put("status", status);
      lastByKind.put(kind, seen);
      statuses.add(kind + " " + status);
      if (statuses.size() > 50) statuses.remove(0);
    }
    return response;
  }

  private String kindOf(String method, String path) {
    if (method.equals("GET") && path.endsWith("/apps/delta")) {
      deltaFetches.incrementAndGet();
      return "delta";
    }
    if (method.equals("GET") && (path.endsWith("/apps/") || path.endsWith("/apps"))) {
      fullFetches.incrementAndGet();
      return "full";
    }
    if (method.equals("POST")) {
      registers.incrementAndGet();
      return "register";
    }
    if (method.equals("PUT") && !path.endsWith("/status") && !path.endsWith("/metadata")) {
      renewals.incrementAndGet();
      return "renew";
    }
    if (method.equals("DELETE")) {
      cancels.incrementAndGet();
      return "cancel";
    }
    return method + " " + path;
  }

  synchronized Map<String, Object> snapshot() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("fullFetches", fullFetches.get());
    out.put("deltaFetches", deltaFetches.get());
    out.put("registers", registers.get());
    out.put("renewals", renewals.get());
    out.put("cancels", cancels.get());
    out.put("recent", new ArrayList<>(statuses));
    out.put("lastRequestByKind", new LinkedHashMap<>(lastByKind));
    return out;
  }
}
