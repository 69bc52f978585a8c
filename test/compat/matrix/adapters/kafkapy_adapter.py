#!/usr/bin/env python3
"""Matrix adapter: kafka-python, run with the interpreter that has the release under test: the
venv of scripts/peers/install-python-clients.sh (PyPI) or /usr/bin/python3 (Debian's python3-kafka).
Runs every scenario of test/compat/matrix/scenarios.ts; see _matrix.py for the contract.
kafka-python before 2.1 (Debian's 2.0.2) has no idempotent producer; no release sends a null key
with a null value in one message (KafkaProducer.send wants one of them set)."""
import os
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _matrix as m  # noqa: E402
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition  # noqa: E402
from kafka import __version__ as kafka_version  # noqa: E402
from kafka.admin import ConfigResource, ConfigResourceType, NewTopic  # noqa: E402
from kafka.structs import OffsetAndMetadata  # noqa: E402

BOOTSTRAP, PREFIX = m.parse_args()
CLIENT_ID = "sluice-matrix-kafkapy"
# The idempotent producer came with kafka-python 2.1 (on by default from 3.0); asked for by name.
IDEMPOTENT = "enable_idempotence" in KafkaProducer.DEFAULT_CONFIG


def T(sid):
    return "%s-%s" % (PREFIX, sid)


def G(sid):
    return "%s-g-%s" % (PREFIX, sid)


_admin = []


def admin():
    if not _admin:
        _admin.append(KafkaAdminClient(bootstrap_servers=BOOTSTRAP, client_id=CLIENT_ID,
                                       request_timeout_ms=20000))
    return _admin[0]


def create_topic(d, topic, partitions=3, config=None):
    admin().create_topics([NewTopic(topic, partitions, 1, topic_configs=config or {})],
                          timeout_ms=int(d.left(15) * 1000))
    partitions_of(d, topic, partitions)


def partitions_of(d, topic, want):
    c = KafkaConsumer(bootstrap_servers=BOOTSTRAP, client_id=CLIENT_ID)
    try:
        def seen():
            parts = c.partitions_for_topic(topic) or set()
            if len(parts) != want:
                c.poll(timeout_ms=100)  # drives a metadata refresh
                return None
            return parts
        return m.wait_for(d, seen, "metadata of %s has no %d partitions" % (topic, want), 0)
    finally:
        c.close()


def produce(d, topic, messages, **conf):
    """messages: dicts of send() keyword arguments. Returns the RecordMetadata of each."""
    kwargs = {"bootstrap_servers": BOOTSTRAP, "client_id": CLIENT_ID, "acks": "all", "linger_ms": 5,
              "request_timeout_ms": 20000, "retries": 5, "retry_backoff_ms": 200,
              "max_in_flight_requests_per_connection": 1}  # retries keep per-key order
    if IDEMPOTENT:
        kwargs["enable_idempotence"] = True
    kwargs.update(conf)
    p = KafkaProducer(**kwargs)
    try:
        futures = [p.send(topic, **kw) for kw in messages]
        p.flush(d.left())
        return [f.get(timeout=max(0.1, d.left())) for f in futures]
    finally:
        p.close(timeout=max(0.1, d.left(5)))


def consume(d, topic, count, settle=0.0, group=None, **conf):
    """Reads count messages: assigned from the beginning of every partition, or in `group`."""
    kwargs = {"bootstrap_servers": BOOTSTRAP, "client_id": CLIENT_ID, "group_id": group,
              "auto_offset_reset": "earliest", "enable_auto_commit": False, "fetch_max_wait_ms": 100,
              "session_timeout_ms": 10000, "heartbeat_interval_ms": 300}
    kwargs.update(conf)
    c = KafkaConsumer(**kwargs)
    got = []
    try:
        if group:
            c.subscribe([topic])
        else:
            def parts():
                p = c.partitions_for_topic(topic)
                if not p:
                    c.poll(timeout_ms=100)
                return p
            tps = [TopicPartition(topic, p) for p in sorted(m.wait_for(d, parts, "no metadata for " + topic, 0))]
            c.assign(tps)
            c.seek_to_beginning(*tps)
        settle_end = None
        while True:
            if len(got) >= count and settle_end is None:
                settle_end = time.monotonic() + settle
            if settle_end is not None and time.monotonic() >= settle_end:
                return got
            if d.passed():
                raise TimeoutError("read %d of %d message(s)" % (len(got), count))
            for recs in c.poll(timeout_ms=200).values():
                got.extend(recs)
    finally:
        c.close()


state = {}


def create(d):
    topic = T("create-topic")
    create_topic(d, topic)
    partitions_of(d, topic, 3)
    return "created; metadata shows 3 partitions"


def produce_keyed(d):
    topic = T("produce-keyed-acks-all")
    create_topic(d, topic)
    got = produce(d, topic, [{"key": b"k%d" % (i % 10), "value": b"%d" % i} for i in range(300)])
    how = "idempotent, acks=all" if IDEMPOTENT else "acks=all; kafka-python %s has no idempotent producer" % (
        kafka_version,)
    return "%d acknowledged (%s) on %d partition(s)" % (len(got), how, len({x.partition for x in got}))


def consume_beginning(d):
    got = consume(d, T("produce-keyed-acks-all"), 300, settle=0.5)
    state["read"] = [(x.partition, x.offset, x.key.decode(), x.value.decode()) for x in got]
    if len(got) != 300:
        raise RuntimeError("read %d messages, expected 300" % len(got))
    return "read 300 (assigned, no group)"


def headers(d):
    topic = T("headers")
    create_topic(d, topic)
    produce(d, topic, [{"key": b"h", "value": b"with headers", "headers": [("h1", b"v1"), ("h2", b"")]}])
    [x] = consume(d, topic, 1)
    seen = [(k, None if v is None else v.decode()) for k, v in (x.headers or [])]
    if seen != [("h1", "v1"), ("h2", "")]:
        raise RuntimeError("read headers %r" % seen)
    return 'h1=v1, h2="" in order'


def compression(codec):
    def body(d):
        topic = T("compression-" + codec)
        create_topic(d, topic)
        produce(d, topic, [{"key": b"c%d" % i, "value": m.REPETITIVE_200} for i in range(50)],
                compression_type=codec)
        got = consume(d, topic, 50)
        bad = sum(1 for x in got if x.value != m.REPETITIVE_200)
        if len(got) != 50 or bad:
            raise RuntimeError("read %d messages, %d corrupted" % (len(got), bad))
        return "50 x 200 B %s read back intact" % codec
    return body


def null_key_value(d):
    topic = T("null-key-and-value")
    create_topic(d, topic)
    produce(d, topic, [{"key": None, "value": b"null key", "partition": 0},
                       {"key": b"null value", "value": None, "partition": 0}])
    got = sorted(consume(d, topic, 2), key=lambda x: x.offset)
    if [(x.key, x.value) for x in got] != [(None, b"null key"), (b"null value", None)]:
        raise RuntimeError("read %r" % [(x.key, x.value) for x in got])
    return "a null key and (separately: kafka-python needs one of them) a null value read back as null"


def message_1mb(d):
    topic = T("message-1mb")
    create_topic(d, topic)
    big = m.one_megabyte()
    produce(d, topic, [{"key": b"big", "value": big}], max_request_size=2000000)
    [x] = consume(d, topic, 1, max_partition_fetch_bytes=2000000)
    if x.value != big:
        raise RuntimeError("read %d bytes, not the same" % len(x.value or b""))
    return "1,000,000 bytes read back intact"


def group_rebalance(d):
    # KafkaConsumer.poll() blocks in a rebalance until the group completes, so each member
    # polls in its own thread (kafka-python consumers are not thread-safe: one thread each).
    topic = T("group-rebalance")
    create_topic(d, topic, 4)
    group = G("group-rebalance")
    owned = [[], []]
    stop = [threading.Event(), threading.Event()]
    errors = []

    def member(i):
        try:
            c = KafkaConsumer(bootstrap_servers=BOOTSTRAP, client_id=CLIENT_ID, group_id=group,
                              auto_offset_reset="earliest", enable_auto_commit=False,
                              session_timeout_ms=10000, heartbeat_interval_ms=300, fetch_max_wait_ms=100)
            try:
                c.subscribe([topic])
                while not stop[i].is_set():
                    c.poll(timeout_ms=100)
                    owned[i] = sorted(tp.partition for tp in c.assignment())
            finally:
                c.close()  # leaves the group
        except Exception as e:  # noqa: BLE001
            errors.append("member %d: %s: %s" % (i, type(e).__name__, e))

    threads = [threading.Thread(target=member, args=(i,), daemon=True) for i in (0, 1)]
    for t in threads:
        t.start()

    def split():
        if errors:
            raise RuntimeError(errors[0])
        a, b = owned
        return a and b and len(set(a) | set(b)) == 4 and len(a) + len(b) == 4

    try:
        m.wait_for(d, split, lambda: "both members assigned (now %s)" % owned)
        before = list(owned)
        stop[0].set()
        threads[0].join(d.left(15))
        m.wait_for(d, lambda: errors or owned[1] == [0, 1, 2, 3],
                   lambda: "the remaining member owns all 4 (it has %s)" % owned[1])
        if errors:
            raise RuntimeError(errors[0])
        return "split %s, then [0,1,2,3] after one left" % before
    finally:
        for e in stop:
            e.set()
        for t in threads:
            t.join(d.left(10) + 1)


def commit_resume(d):
    topic = T("commit-and-resume")
    group = G("commit-and-resume")
    create_topic(d, topic)
    produce(d, topic, [{"key": b"r", "value": b"%d" % i, "partition": 0} for i in range(20)])
    c = KafkaConsumer(bootstrap_servers=BOOTSTRAP, client_id=CLIENT_ID, group_id=group,
                      auto_offset_reset="earliest", enable_auto_commit=False,
                      session_timeout_ms=10000, heartbeat_interval_ms=300, fetch_max_wait_ms=100)
    try:
        c.subscribe([topic])
        first = []
        while len(first) < 10:
            d.check("the first member read %d of 10" % len(first))
            for recs in c.poll(timeout_ms=200, max_records=10 - len(first)).values():
                first.extend(r.offset for r in recs)
        if first != list(range(10)):
            raise RuntimeError("the first member read offsets %s" % first)
        # 2.0.2's OffsetAndMetadata is (offset, metadata); later ones add leader_epoch (-1: unknown).
        extra = (-1,) if "leader_epoch" in OffsetAndMetadata._fields else ()
        c.commit({TopicPartition(topic, 0): OffsetAndMetadata(10, None, *extra)})
    finally:
        c.close()
    got = consume(d, topic, 10, settle=1.5, group=group)
    offsets = sorted(x.offset for x in got)
    if offsets != list(range(10, 20)):
        raise RuntimeError("the new member read offsets %s" % offsets)
    return "first member read 0..9, committed 10; the new member read exactly 10..19"


def offsets_by_time(d):
    topic = T("list-offsets-by-timestamp")
    create_topic(d, topic)
    t0 = int(time.time() * 1000) - 3600000
    produce(d, topic, [{"value": b"t%d" % i, "partition": 0, "timestamp_ms": t0 + i * 1000} for i in range(5)])
    c = KafkaConsumer(bootstrap_servers=BOOTSTRAP, client_id=CLIENT_ID)
    try:
        tp = TopicPartition(topic, 0)
        found = c.offsets_for_times({tp: t0 + 2500}).get(tp)
    finally:
        c.close()
    if found is None or found.offset != 3:
        raise RuntimeError("offset for t0+2500 is %s" % (found,))
    return "offset for t0+2500 = 3"


def describe_configs(d):
    topic = T("describe-configs")
    create_topic(d, topic, 3, {"retention.ms": "123456"})
    described = admin().describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
    values = {}
    if isinstance(described, dict):
        # 3.x: {resource type: {resource name: {config name: {"value": ..., ...}}}}
        for by_name in described.values():
            for name, entry in by_name.get(topic, {}).items():
                values[name] = entry.get("value") if isinstance(entry, dict) else entry
    else:
        # 2.x: the DescribeConfigs responses themselves
        for resp in described:
            for res in resp.resources:  # (error_code, error_message, type, name, config_entries)
                if res[0] != 0:
                    raise RuntimeError("error %d: %s" % (res[0], res[1]))
                for entry in res[4]:
                    values[entry[0]] = entry[1]
    if values.get("retention.ms") != "123456":
        raise RuntimeError("retention.ms = %s" % values.get("retention.ms"))
    return "retention.ms=123456"


def delete_topic(d):
    topic = T("create-topic")
    admin().delete_topics([topic], timeout_ms=int(d.left(15) * 1000))
    m.wait_for(d, lambda: topic not in admin().list_topics(), "%s still listed" % topic, 0.3)
    return "deleted; gone from the topic list"


m.run("kafka-python", [
    ("create-topic", create),
    ("produce-keyed-acks-all", produce_keyed),
    ("consume-from-beginning", consume_beginning),
    ("per-key-order", lambda d: m.per_key_order(state.get("read"))),
    ("headers", headers),
    ("compression-gzip", compression("gzip")),
    ("compression-snappy", compression("snappy")),
    ("compression-lz4", compression("lz4")),
    ("compression-zstd", compression("zstd")),
    ("null-key-and-value", null_key_value),
    ("message-1mb", message_1mb),
    ("group-rebalance", group_rebalance, 45),
    ("commit-and-resume", commit_resume, 40),
    ("list-offsets-by-timestamp", offsets_by_time),
    ("describe-configs", describe_configs),
    ("delete-topic", delete_topic),
])
