package dev.sluice.peers;

import java.util.List;
import java.util.Set;
import org.springframework.cloud.netflix.eureka.TimeoutProperties;
import org.springframework.cloud.netflix.eureka.http.DefaultEurekaClientHttpRequestFactorySupplier;
import org.springframework.cloud.netflix.eureka.http.EurekaClientHttpRequestFactorySupplier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.InterceptingClientHttpRequestFactory;

@Configuration(proxyBeanMethods = false)
public class DemoConfiguration {
  @Bean
  EurekaTraffic eurekaTraffic() {
    return new EurekaTraffic();
  }

  /** Spring's own request factory for the Eureka transport, with the counting interceptor. */
  @Bean
  EurekaClientHttpRequestFactorySupplier countingEurekaRequestFactory(
      TimeoutProperties timeouts, EurekaTraffic traffic) {
    var spring = new DefaultEurekaClientHttpRequestFactorySupplier(timeouts, Set.of());
    return (ssl, hostnames) ->
        new InterceptingClientHttpRequestFactory(spring.get(ssl, hostnames), List.of(traffic));
  }
}
