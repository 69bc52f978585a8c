package dev.sluice.bench;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Kafka Streams side of the pipeline benchmark: the work of bench/lib/pipeline/workload.ts's
 * Sluice pipeline, step for step. Validate the value against a JSON Schema (draft 2020-12;
 * failures go to the dead-letter topic with the reason in headers, as Sluice writes them), drop
 * `channel`, rename `customer.id` to `customerId`, add `total` = round(amount × 1.2) (half to
 * even, as JSONata's $round) and `route` = type "." region, then send the result to every topic
 * whose binding pattern matches `route` (RabbitMQ topic-exchange semantics, each topic once);
 * unmatched messages are dropped and counted.
 *
 * <pre>
 * java -cp "target/pipeline-streams.jar:target/lib/*" dev.sluice.bench.PipelineApp \
 *   --bootstrap HOST:PORT --input pipeline-in --schema order.schema.json --dlq pipeline-dlq \
 *   --bind 'order.#=out-orders' --bind '*.eu.*=out-eu' --bind 'refund.#=out-refunds' \
 *   [--app-id pipeline-bench] [--threads N] [--state-dir DIR]
 * </pre>
 *
 * Prints "RUNNING" once the application is running, and its counters as one JSON line when
 * stopped (SIGTERM).
 */
public final class PipelineApp {
  /** A record on its way out: where to, and the bytes. */
  record Out(String topic, byte[] value) {}

  record Binding(TopicPattern pattern, String topic) {}

  static final AtomicLong in = new AtomicLong();
  static final AtomicLong out = new AtomicLong();
  static final AtomicLong deadLettered = new AtomicLong();
  static final AtomicLong dropped = new AtomicLong();

  public static void main(String[] args) throws Exception {
    String bootstrap = null, input = null, schemaFile = null, dlq = null, stateDir = null;
    String appId = "pipeline-bench";
    int threads = 1;
    List<Binding> bindings = new ArrayList<>();
    for (int i = 0; i < args.length; i += 2) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      if (value == null) throw new IllegalArgumentException(args[i] + " needs a value");
      switch (args[i]) {
        case "--bootstrap" -> bootstrap = value;
        case "--input" -> input = value;
        case "--schema" -> schemaFile = value;
        case "--dlq" -> dlq = value;
        case "--app-id" -> appId = value;
        case "--threads" -> threads = Integer.parseInt(value);
        case "--state-dir" -> stateDir = value;
        case "--bind" -> {
          int eq = value.lastIndexOf('=');
          bindings.add(new Binding(new TopicPattern(value.substring(0, eq)), value.substring(eq + 1)));
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (bootstrap == null || input == null || schemaFile == null || dlq == null || bindings.isEmpty()) {
      throw new IllegalArgumentException("--bootstrap, --input, --schema, --dlq and --bind are required");
    }
    Schema schema =
        SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(Files.readString(Path.of(schemaFile)));
    ObjectMapper mapper = JsonMapper.builder().build();
    final String deadLetterTopic = dlq;

    StreamsBuilder builder = new StreamsBuilder();
    Serde<Out> outSerde =
        Serdes.serdeFrom((topic, o) -> o.value(), (topic, bytes) -> new Out(topic, bytes));
    builder.stream(input, Consumed.with(Serdes.String(), Serdes.ByteArray()))
        .processValues(() -> new Step(schema, mapper, bindings, deadLetterTopic))
        .to((key, value, context) -> value.topic(), Produced.with(Serdes.String(), outSerde));

    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
    if (stateDir != null) props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);

    KafkaStreams streams = new KafkaStreams(builder.build(), props);
    CountDownLatch stopped = new CountDownLatch(1);
    streams.setStateListener(
        (now, before) -> {
          if (now == KafkaStreams.State.RUNNING) {
            System.out.println("RUNNING");
            System.out.flush();
          }
          if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) stopped.countDown();
        });
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  streams.close();
                  System.out.printf(
                      "{\"in\":%d,\"out\":%d,\"deadLettered\":%d,\"dropped\":%d}%n",
                      in.get(), out.get(), deadLettered.get(), dropped.get());
                  System.out.flush();
                }));
    streams.start();
    stopped.await();
  }

  /** Validate, transform and route one record; forwards one Out per destination topic. */
  static final class Step implements FixedKeyProcessor<String, byte[], Out> {
    private final Schema schema;
    private final ObjectMapper mapper;
    private final List<Binding> bindings;
    private final String dlq;
    private FixedKeyProcessorContext<String, Out> context;

    Step(Schema schema, ObjectMapper mapper, List<Binding> bindings, String dlq) {
      this.schema = schema;
      this.mapper = mapper;
      this.bindings = bindings;
      this.dlq = dlq;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Out> context) {
      this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, byte[]> record) {
      in.incrementAndGet();
      JsonNode node;
      try {
        node = mapper.readTree(record.value());
      } catch (RuntimeException e) {
        deadLetter(record, "the value is not JSON: " + e.getMessage());
        return;
      }
      List<Error> errors = schema.validate(node);
      if (!errors.isEmpty() || !(node instanceof ObjectNode value)) {
        deadLetter(record, "schema violation: " + (errors.isEmpty() ? "not an object" : errors.get(0).getMessage()));
        return;
      }
      // replaceField: exclude channel, rename customer.id -> customerId.
      value.remove("channel");
      JsonNode customerId = ((ObjectNode) value.get("customer")).remove("id");
      if (customerId != null) value.set("customerId", customerId);
      // transform: total and route.
      value.put("total", (long) Math.rint(value.get("amount").asDouble() * 1.2));
      String route = value.get("type").asString() + "." + value.get("region").asString();
      value.put("route", route);
      byte[] bytes = mapper.writeValueAsBytes(value);
      List<String> sent = new ArrayList<>(2);
      for (Binding b : bindings) {
        if (!sent.contains(b.topic()) && b.pattern().matches(route)) {
          sent.add(b.topic());
          context.forward(record.withValue(new Out(b.topic(), bytes)).withHeaders(copy(record.headers())));
        }
      }
      if (sent.isEmpty()) dropped.incrementAndGet();
      else out.addAndGet(sent.size());
    }

    private void deadLetter(FixedKeyRecord<String, byte[]> record, String reason) {
      Headers headers = copy(record.headers());
      headers.add("sluice.error.stage", bytes("validate"));
      headers.add("sluice.error.reason", bytes(reason));
      headers.add("sluice.error.pipeline", bytes("bench"));
      headers.add("sluice.original.topic", bytes(context.recordMetadata().map(m -> m.topic()).orElse("")));
      headers.add(
          "sluice.original.partition",
          bytes(String.valueOf(context.recordMetadata().map(m -> m.partition()).orElse(-1))));
      headers.add(
          "sluice.original.offset",
          bytes(String.valueOf(context.recordMetadata().map(m -> m.offset()).orElse(-1L))));
      deadLettered.incrementAndGet();
      context.forward(record.withValue(new Out(dlq, record.value())).withHeaders(headers));
    }

    private static Headers copy(Headers headers) {
      return new RecordHeaders(headers.toArray());
    }

    private static byte[] bytes(String s) {
      return s.getBytes(StandardCharsets.UTF_8);
    }
  }
}
