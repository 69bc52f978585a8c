// Compatibility-matrix adapter for the Apache Kafka Java client (kafka-clients, the version that
// scripts/peers/install-kafka.sh installs). Java 17 single-file source launch, no build step:
//
//   java -cp "<repo>/.peers/kafka/libs/*" test/compat/matrix/java/JavaAdapter.java \
//     --bootstrap HOST:PORT --prefix P [--only id,id] [--debug]
//
// Runs every scenario of the matrix in order and prints one JSON line per scenario to stdout:
// {"scenario":"<id>","ok":true|false|null,"detail":"..."}. Topics are P-<scenario>, groups
// P-g-<scenario>. Client logging goes to stderr: WARN, or DEBUG for org.apache.kafka.clients with
// --debug or SLUICE_MATRIX_DEBUG=1. Exits 0 once it ran.

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.appender.ConsoleAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilder;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilderFactory;
import org.apache.logging.log4j.core.config.builder.impl.BuiltConfiguration;

public class JavaAdapter {
  static final long BUDGET_MS = 105_000;
  static final long PER_SCENARIO_MS = 25_000;

  static String bootstrap;
  static String prefix;

  record Result(Boolean ok, String detail) {}

  static Result pass(String detail) {
    return new Result(true, detail);
  }

  static Result fail(String detail) {
    return new Result(false, detail);
  }

  /** A scenario body; it gets its deadline (System.currentTimeMillis based). */
  interface Body {
    Result run(long deadline) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    // Only the JSON lines go to stdout: anything else that prints goes to stderr.
    PrintStream stdout = System.out;
    System.setOut(System.err);
    String only = "";
    boolean debug = "1".equals(System.getenv("SLUICE_MATRIX_DEBUG"));
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--bootstrap" -> bootstrap = args[++i];
        case "--prefix" -> prefix = args[++i];
        case "--only" -> only = args[++i];
        case "--debug" -> debug = true;
        default -> {
          System.err.println("unknown argument " + args[i]);
          System.exit(2);
        }
      }
    }
    if (bootstrap == null || prefix == null) {
      System.err.println("usage: JavaAdapter --bootstrap HOST:PORT --prefix P");
      System.exit(2);
    }
    configureLogging(debug);

    Map<String, Body> scenarios = new LinkedHashMap<>();
    scenarios.put("create-topic", JavaAdapter::createTopicScenario);
    scenarios.put("produce-keyed-acks-all", JavaAdapter::produceKeyed);
    scenarios.put("consume-from-beginning", JavaAdapter::consumeFromBeginning);
    scenarios.put("per-key-order", JavaAdapter::perKeyOrder);
    scenarios.put("headers", JavaAdapter::headers);
    for (String codec : List.of("gzip", "snappy", "lz4", "zstd")) {
      scenarios.put("compression-" + codec, d -> compression(d, codec));
    }
    scenarios.put("null-key-and-value", JavaAdapter::nullKeyAndValue);
    scenarios.put("message-1mb", JavaAdapter::message1mb);
    scenarios.put("group-rebalance", JavaAdapter::groupRebalance);
    scenarios.put("commit-and-resume", JavaAdapter::commitAndResume);
    scenarios.put("list-offsets-by-timestamp", JavaAdapter::listOffsetsByTimestamp);
    scenarios.put("describe-configs", JavaAdapter::describeConfigs);
    scenarios.put("delete-topic", JavaAdapter::deleteTopic);
    Set<String> want = new HashSet<>();
    for (String id : only.split(",")) if (!id.isEmpty()) want.add(id);

    long end = System.currentTimeMillis() + BUDGET_MS;
    ExecutorService pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r);
      t.setDaemon(true);
      return t;
    });
    for (var e : scenarios.entrySet()) {
      if (!want.isEmpty() && !want.contains(e.getKey())) continue;
      long left = end - System.currentTimeMillis();
      Result r;
      if (left < 2000) {
        r = fail("not run: the adapter's " + BUDGET_MS / 1000 + " s budget was used up");
      } else {
        long began = System.currentTimeMillis();
        r = runOne(pool, e.getValue(), Math.min(left, PER_SCENARIO_MS));
        System.err.println("scenario " + e.getKey() + ": " + (System.currentTimeMillis() - began) + " ms");
      }
      stdout.println("{\"scenario\":" + json(e.getKey()) + ",\"ok\":" + r.ok() + ",\"detail\":" + json(r.detail()) + "}");
      stdout.flush();
    }
    pool.shutdownNow();
    System.exit(0); // a client thread that did not stop must not keep the JVM alive
  }

  static Result runOne(ExecutorService pool, Body body, long timeoutMs) {
    long start = System.currentTimeMillis();
    long deadline = start + timeoutMs;
    Future<Result> f = pool.submit(() -> body.run(deadline));
    try {
      return f.get(timeoutMs + 3000, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      return fail("hung: no result after " + (System.currentTimeMillis() - start) + " ms");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      String msg = describe(c);
      if (System.currentTimeMillis() >= deadline) msg += " (timed out after " + (System.currentTimeMillis() - start) + " ms)";
      return fail(msg);
    } catch (InterruptedException e) {
      return fail("interrupted");
    }
  }

  static String describe(Throwable t) {
    while ((t instanceof ExecutionException || t instanceof java.util.concurrent.CompletionException) && t.getCause() != null) {
      t = t.getCause();
    }
    String m = t.getClass().getSimpleName() + ": " + t.getMessage();
    if (t.getCause() != null && t.getCause() != t) m += " (caused by " + t.getCause().getClass().getSimpleName() + ": " + t.getCause().getMessage() + ")";
    return m;
  }

  static String json(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
        }
      }
    }
    return b.append('"').toString();
  }

  /** Log4j 2 (kafka-clients logs through slf4j to it): WARN to stderr, or DEBUG for the clients. */
  static void configureLogging(boolean debug) {
    ConfigurationBuilder<BuiltConfiguration> b = ConfigurationBuilderFactory.newConfigurationBuilder();
    b.setStatusLevel(Level.ERROR);
    b.add(b.newAppender("stderr", "Console")
        .addAttribute("target", ConsoleAppender.Target.SYSTEM_ERR)
        .add(b.newLayout("PatternLayout").addAttribute("pattern", "[%d{HH:mm:ss.SSS}] %p %m (%c)%n")));
    b.add(b.newRootLogger(Level.WARN).add(b.newAppenderRef("stderr")));
    if (debug) {
      b.add(b.newLogger("org.apache.kafka.clients", Level.DEBUG).addAttribute("additivity", false).add(b.newAppenderRef("stderr")));
    }
    Configurator.initialize(b.build());
  }

  static String topic(String id) {
    return prefix + "-" + id;
  }

  static String group(String id) {
    return prefix + "-g-" + id;
  }

  static long left(long deadline) {
    return Math.max(1, deadline - System.currentTimeMillis());
  }

  static byte[] bytes(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  static String str(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  // --- clients -----------------------------------------------------------------------------

  static Properties common() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "sluice-matrix-java");
    return p;
  }

  static Admin admin() {
    Properties p = common();
    // Bounded, so that close() (which waits for pending calls) cannot outlive a scenario.
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    return Admin.create(p);
  }

  static KafkaProducer<byte[], byte[]> producer(Map<String, Object> extra) {
    Properties p = common();
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    p.putAll(extra);
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  static KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> extra) {
    Properties p = common();
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.putAll(extra);
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** Creates the topic and waits until the admin client describes every partition with a leader. */
  static void createTopic(Admin adm, String name, int partitions, Map<String, String> configs, long deadline) throws Exception {
    NewTopic nt = new NewTopic(name, partitions, (short) 1);
    if (configs != null) nt.configs(configs);
    adm.createTopics(List.of(nt)).all().get(left(deadline), TimeUnit.MILLISECONDS);
    waitPartitions(adm, name, partitions, deadline);
  }

  static TopicDescription waitPartitions(Admin adm, String name, int want, long deadline) throws Exception {
    String last = "";
    while (true) {
      try {
        TopicDescription td = adm.describeTopics(List.of(name)).allTopicNames().get(left(deadline), TimeUnit.MILLISECONDS).get(name);
        if (td.partitions().size() == want && td.partitions().stream().allMatch(p -> p.leader() != null && p.leader().id() >= 0)) {
          return td;
        }
        last = td.partitions().size() + " partitions described";
      } catch (ExecutionException e) {
        last = describe(e);
      }
      if (System.currentTimeMillis() >= deadline) throw new IllegalStateException("describe topics: " + last);
      Thread.sleep(100);
    }
  }

  static List<RecordMetadata> produce(KafkaProducer<byte[], byte[]> p, List<ProducerRecord<byte[], byte[]>> records, long deadline)
      throws Exception {
    List<Future<RecordMetadata>> fs = new ArrayList<>();
    for (var r : records) fs.add(p.send(r));
    p.flush();
    List<RecordMetadata> out = new ArrayList<>();
    for (var f : fs) out.add(f.get(left(deadline), TimeUnit.MILLISECONDS));
    return out;
  }

  /** Reads every partition of the topic from the beginning (no group) until it has n records. */
  static List<ConsumerRecord<byte[], byte[]>> consumeN(String name, int n, long deadline) throws Exception {
    try (var c = consumer(Map.of())) {
      List<TopicPartition> tps = new ArrayList<>();
      for (var pi : c.partitionsFor(name, Duration.ofMillis(left(deadline)))) tps.add(new TopicPartition(name, pi.partition()));
      c.assign(tps);
      c.seekToBeginning(tps);
      return pollN(c, n, deadline);
    }
  }

  static List<ConsumerRecord<byte[], byte[]>> pollN(KafkaConsumer<byte[], byte[]> c, int n, long deadline) {
    List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
    while (got.size() < n) {
      if (System.currentTimeMillis() >= deadline) throw new IllegalStateException("read " + got.size() + " of " + n + " records");
      for (var r : c.poll(Duration.ofMillis(Math.min(500, left(deadline))))) got.add(r);
    }
    return got;
  }

  static boolean waitFor(long deadline, BooleanSupplier cond) throws InterruptedException {
    while (!cond.getAsBoolean()) {
      if (System.currentTimeMillis() >= deadline) return false;
      Thread.sleep(50);
    }
    return true;
  }

  // --- scenarios ---------------------------------------------------------------------------

  static Result createTopicScenario(long deadline) throws Exception {
    String name = topic("create-topic");
    try (Admin adm = admin()) {
      CreateTopicsResult cr = adm.createTopics(List.of(new NewTopic(name, 3, (short) 1)));
      cr.all().get(left(deadline), TimeUnit.MILLISECONDS);
      TopicDescription td = waitPartitions(adm, name, 3, deadline);
      return pass("described: " + td.partitions().size() + " partitions, topic id " + td.topicId());
    }
  }

  static List<ConsumerRecord<byte[], byte[]>> keyedRecords;
  static String keyedError;

  static Result produceKeyed(long deadline) throws Exception {
    String name = topic("produce-keyed-acks-all");
    try (Admin adm = admin()) {
      createTopic(adm, name, 3, null, deadline);
    }
    List<ProducerRecord<byte[], byte[]>> rs = new ArrayList<>();
    for (int i = 0; i < 300; i++) rs.add(new ProducerRecord<>(name, bytes("k" + (i % 10)), bytes(Integer.toString(i))));
    try (var p = producer(Map.of())) {
      List<RecordMetadata> md = produce(p, rs, deadline);
      Map<Integer, Integer> per = new TreeMap<>();
      for (var m : md) per.merge(m.partition(), 1, Integer::sum);
      return pass("300 acked (acks=all, enable.idempotence=true); per partition " + per);
    }
  }

  static synchronized List<ConsumerRecord<byte[], byte[]>> keyed(long deadline) {
    if (keyedRecords == null && keyedError == null) {
      try {
        keyedRecords = consumeN(topic("produce-keyed-acks-all"), 300, deadline);
      } catch (Exception e) {
        keyedError = describe(e);
      }
    }
    if (keyedError != null) throw new IllegalStateException(keyedError);
    return keyedRecords;
  }

  static Result consumeFromBeginning(long deadline) {
    var rs = keyed(deadline);
    Set<String> seen = new HashSet<>();
    Set<Integer> parts = new HashSet<>();
    for (var r : rs) {
      seen.add(str(r.value()));
      parts.add(r.partition());
    }
    for (int i = 0; i < 300; i++) {
      if (!seen.contains(Integer.toString(i))) return fail("read " + rs.size() + " records but value " + i + " is missing");
    }
    return pass("read 300 (values 0..299, from " + parts.size() + " partitions)");
  }

  static Result perKeyOrder(long deadline) {
    var rs = keyed(deadline);
    if (rs.size() != 300) return fail("have " + rs.size() + " records, want 300");
    Map<String, long[]> last = new HashMap<>(); // key -> {partition, offset, value}
    for (var r : rs) {
      int v = Integer.parseInt(str(r.value()));
      String k = str(r.key());
      if (!k.equals("k" + (v % 10))) return fail("value " + v + " came with key " + k);
      long[] l = last.get(k);
      if (l == null) {
        last.put(k, new long[] {r.partition(), r.offset(), v});
        continue;
      }
      if (l[0] != r.partition()) return fail("key " + k + " on partitions " + l[0] + " and " + r.partition());
      if ((r.offset() > l[1] && v <= l[2]) || (r.offset() < l[1] && v >= l[2])) {
        return fail("key " + k + ": value " + v + " at offset " + r.offset() + " vs value " + l[2] + " at offset " + l[1]);
      }
      if (r.offset() > l[1]) last.put(k, new long[] {r.partition(), r.offset(), v});
    }
    return pass("10 keys, each on one partition, values increasing with offset");
  }

  static Result headers(long deadline) throws Exception {
    String name = topic("headers");
    try (Admin adm = admin()) {
      createTopic(adm, name, 3, null, deadline);
    }
    List<Header> hs = List.of(new RecordHeader("h1", bytes("v1")), new RecordHeader("h2", new byte[0]));
    try (var p = producer(Map.of())) {
      produce(p, List.of(new ProducerRecord<byte[], byte[]>(name, (Integer) null, (byte[]) null, bytes("with headers"), hs)), deadline);
    }
    var r = consumeN(name, 1, deadline).get(0);
    List<String> got = new ArrayList<>();
    for (Header h : r.headers()) got.add(h.key() + "=" + (h.value() == null ? "<null>" : "\"" + str(h.value()) + "\""));
    Header[] arr = r.headers().toArray();
    if (arr.length != 2 || !arr[0].key().equals("h1") || !"v1".equals(str(arr[0].value())) || !arr[1].key().equals("h2")
        || arr[1].value() == null || arr[1].value().length != 0) {
      return fail("read back headers " + got);
    }
    return pass("read back " + got);
  }

  static Result compression(long deadline, String codec) throws Exception {
    String name = topic("compression-" + codec);
    try (Admin adm = admin()) {
      createTopic(adm, name, 3, null, deadline);
    }
    byte[] value = bytes("sluice compresses this! ".repeat(9).substring(0, 200));
    List<ProducerRecord<byte[], byte[]>> rs = new ArrayList<>();
    for (int i = 0; i < 50; i++) rs.add(new ProducerRecord<>(name, bytes("same-key"), value));
    try (var p = producer(Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec, ProducerConfig.LINGER_MS_CONFIG, 50))) {
      produce(p, rs, deadline);
    }
    var got = consumeN(name, 50, deadline);
    for (int i = 0; i < got.size(); i++) {
      if (!Arrays.equals(got.get(i).value(), value)) return fail("record " + i + ": value differs");
    }
    return pass("50 produced with compression.type=" + codec + ", read back intact");
  }

  static Result nullKeyAndValue(long deadline) throws Exception {
    String name = topic("null-key-and-value");
    try (Admin adm = admin()) {
      createTopic(adm, name, 3, null, deadline);
    }
    try (var p = producer(Map.of())) {
      produce(p, List.of(new ProducerRecord<byte[], byte[]>(name, null, null)), deadline);
    }
    var r = consumeN(name, 1, deadline).get(0);
    if (r.key() != null || r.value() != null) {
      return fail("read back key=" + (r.key() == null ? "null" : r.key().length + " bytes") + " value="
          + (r.value() == null ? "null" : r.value().length + " bytes"));
    }
    return pass("key and value read back as null");
  }

  static Result message1mb(long deadline) throws Exception {
    String name = topic("message-1mb");
    try (Admin adm = admin()) {
      createTopic(adm, name, 3, null, deadline);
    }
    byte[] value = new byte[1_000_000];
    new Random(1).nextBytes(value);
    // The defaults (max.request.size 1048576, batch.size 16384) already let one ~1 MB record
    // through: the producer sends a record larger than batch.size in a batch of its own.
    try (var p = producer(Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1_100_000))) {
      produce(p, List.of(new ProducerRecord<>(name, bytes("big"), value)), deadline);
    }
    var r = consumeN(name, 1, deadline).get(0);
    if (!Arrays.equals(r.value(), value)) return fail("read back " + r.value().length + " bytes, content differs");
    return pass("1,000,000-byte value read back intact (partition " + r.partition() + " offset " + r.offset() + ")");
  }

  /** One group member polling in its own thread (KafkaConsumer is single-threaded). */
  static final class Member implements ConsumerRebalanceListener {
    final Set<Integer> owned = new TreeSet<>();
    final Thread thread;
    volatile boolean stop;
    final AtomicReference<String> error = new AtomicReference<>();

    Member(String name, String grp) {
      thread = new Thread(() -> {
        try (var c = consumer(Map.of(ConsumerConfig.GROUP_ID_CONFIG, grp))) {
          c.subscribe(List.of(name), this);
          while (!stop) {
            c.poll(Duration.ofMillis(100));
          }
        } catch (Exception e) {
          error.set(describe(e));
        }
      });
      thread.setDaemon(true);
      thread.start();
    }

    synchronized List<Integer> partitions() {
      return new ArrayList<>(owned);
    }

    @Override
    public synchronized void onPartitionsAssigned(java.util.Collection<TopicPartition> ps) {
      for (var tp : ps) owned.add(tp.partition());
    }

    @Override
    public synchronized void onPartitionsRevoked(java.util.Collection<TopicPartition> ps) {
      for (var tp : ps) owned.remove(tp.partition());
    }

    @Override
    public synchronized void onPartitionsLost(java.util.Collection<TopicPartition> ps) {
      for (var tp : ps) owned.remove(tp.partition());
    }

    /** Stops polling and closes the consumer, which leaves the group. */
    void close() throws InterruptedException {
      stop = true;
      thread.join(15_000);
    }
  }

  static Result groupRebalance(long deadline) throws Exception {
    String name = topic("group-rebalance");
    String grp = group("group-rebalance");
    try (Admin adm = admin()) {
      createTopic(adm, name, 4, null, deadline);
    }
    Member a = new Member(name, grp);
    Member b = new Member(name, grp);
    boolean bOpen = true;
    try {
      long start = System.currentTimeMillis();
      boolean split = waitFor(deadline, () -> {
        var pa = a.partitions();
        var pb = b.partitions();
        if (pa.isEmpty() || pb.isEmpty() || pa.size() + pb.size() != 4) return false;
        for (int p : pa) if (pb.contains(p)) return false;
        return true;
      });
      if (!split) {
        return fail("two members never split the 4 partitions: a=" + a.partitions() + " b=" + b.partitions() + " (errors: " + a.error.get()
            + ", " + b.error.get() + ")");
      }
      String splitDetail = "a=" + a.partitions() + " b=" + b.partitions() + " after " + (System.currentTimeMillis() - start) + " ms";
      start = System.currentTimeMillis();
      b.close();
      bOpen = false;
      if (!waitFor(deadline, () -> a.partitions().size() == 4)) {
        return fail(splitDetail + "; after b left a owns " + a.partitions() + " (error: " + a.error.get() + ")");
      }
      return pass(splitDetail + "; b left, a owns " + a.partitions() + " after " + (System.currentTimeMillis() - start)
          + " ms (group.protocol=" + ConsumerConfig.DEFAULT_GROUP_PROTOCOL + ")");
    } finally {
      a.close();
      if (bOpen) b.close();
    }
  }

  /** 20 records on partition 0; a member reads 10 and commits offset 10; a new member reads exactly offsets 10..19. */
  static Result commitAndResume(long deadline) throws Exception {
    String name = topic("commit-and-resume");
    String grp = group("commit-and-resume");
    try (Admin adm = admin()) {
      createTopic(adm, name, 3, null, deadline);
    }
    List<ProducerRecord<byte[], byte[]>> rs = new ArrayList<>();
    for (int i = 0; i < 20; i++) rs.add(new ProducerRecord<>(name, 0, bytes("r"), bytes(Integer.toString(i))));
    try (var p = producer(Map.of())) {
      produce(p, rs, deadline);
    }
    Map<String, Object> groupProps = Map.of(ConsumerConfig.GROUP_ID_CONFIG, grp, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    TopicPartition p0 = new TopicPartition(name, 0);
    try (var c = consumer(groupProps)) {
      c.subscribe(List.of(name));
      var first10 = pollN(c, 10, deadline).subList(0, 10);
      String offs = offsets(first10);
      if (!offs.equals("0:0..9")) return fail("first member's first 10 records are " + offs + ", want partition 0 offsets 0..9");
      c.commitSync(Map.of(p0, new OffsetAndMetadata(10)), Duration.ofMillis(left(deadline)));
    }
    try (var c = consumer(groupProps)) {
      c.subscribe(List.of(name));
      var got = new ArrayList<>(pollN(c, 10, deadline));
      long extraUntil = Math.min(deadline, System.currentTimeMillis() + 1000); // more would be duplicates
      while (System.currentTimeMillis() < extraUntil) for (var r : c.poll(Duration.ofMillis(200))) got.add(r);
      String offs = offsets(got);
      if (!offs.equals("0:10..19")) {
        return fail("first read offsets 0..9 and committed 10; the new member read " + offs + ", want partition 0 offsets 10..19");
      }
    }
    return pass("first member read offsets 0..9 and committed 10; a new member read exactly offsets 10..19");
  }

  /** "P:FIRST..LAST" for one contiguous run of one partition, else every partition:offset. */
  static String offsets(List<ConsumerRecord<byte[], byte[]>> rs) {
    boolean contiguous = !rs.isEmpty();
    for (int i = 0; i < rs.size(); i++) {
      if (rs.get(i).partition() != rs.get(0).partition() || rs.get(i).offset() != rs.get(0).offset() + i) contiguous = false;
    }
    if (contiguous) return rs.get(0).partition() + ":" + rs.get(0).offset() + ".." + rs.get(rs.size() - 1).offset();
    List<String> all = new ArrayList<>();
    for (var r : rs) all.add(r.partition() + ":" + r.offset());
    return rs.size() + " records " + all;
  }

  static Result listOffsetsByTimestamp(long deadline) throws Exception {
    String name = topic("list-offsets-by-timestamp");
    try (Admin adm = admin()) {
      createTopic(adm, name, 3, null, deadline);
    }
    long t0 = System.currentTimeMillis() - 3_600_000;
    List<ProducerRecord<byte[], byte[]>> rs = new ArrayList<>();
    for (int i = 0; i < 5; i++) rs.add(new ProducerRecord<>(name, 0, t0 + i * 1000L, null, bytes(Integer.toString(i))));
    try (var p = producer(Map.of())) {
      produce(p, rs, deadline);
    }
    TopicPartition tp = new TopicPartition(name, 0);
    try (var c = consumer(Map.of())) {
      Map<TopicPartition, OffsetAndTimestamp> res = c.offsetsForTimes(Map.of(tp, t0 + 2500), Duration.ofMillis(left(deadline)));
      OffsetAndTimestamp o = res.get(tp);
      if (o == null) return fail("offsetsForTimes(t0+2500) = null (no record at or after it)");
      if (o.offset() != 3) return fail("offsetsForTimes(t0+2500) = " + o.offset() + " (timestamp t0+" + (o.timestamp() - t0) + "), want 3");
      return pass("offsetsForTimes(t0+2500) = 3, timestamp t0+" + (o.timestamp() - t0));
    }
  }

  static Result describeConfigs(long deadline) throws Exception {
    String name = topic("describe-configs");
    try (Admin adm = admin()) {
      createTopic(adm, name, 3, Map.of("retention.ms", "123456"), deadline);
      ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, name);
      Config cfg = adm.describeConfigs(List.of(res)).all().get(left(deadline), TimeUnit.MILLISECONDS).get(res);
      ConfigEntry e = cfg.get("retention.ms");
      if (e == null) return fail("retention.ms not among " + cfg.entries().size() + " configs");
      if (!"123456".equals(e.value())) return fail("retention.ms = " + e.value() + " (source " + e.source() + ")");
      return pass("retention.ms = 123456 (source " + e.source() + "), " + cfg.entries().size() + " configs described");
    }
  }

  static Result deleteTopic(long deadline) throws Exception {
    String name = topic("create-topic");
    try (Admin adm = admin()) {
      adm.deleteTopics(List.of(name)).all().get(left(deadline), TimeUnit.MILLISECONDS);
      long start = System.currentTimeMillis();
      while (true) {
        Set<String> names = adm.listTopics().names().get(left(deadline), TimeUnit.MILLISECONDS);
        if (!names.contains(name)) return pass("deleted; absent from the topic list after " + (System.currentTimeMillis() - start) + " ms");
        if (System.currentTimeMillis() >= deadline) return fail("still listed after delete");
        Thread.sleep(100);
      }
    }
  }
}
