#!/usr/bin/env python3
"""Matrix adapter: confluent-kafka (Python, librdkafka), run with the interpreter that has the
release under test: the venv of scripts/peers/install-python-clients.sh (PyPI, librdkafka bundled
in the wheel) or /usr/bin/python3 (Debian's python3-confluent-kafka).
Runs every scenario of test/compat/matrix/scenarios.ts; see _matrix.py for the contract."""
import os
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _matrix as m  # noqa: E402
from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, Producer, TopicPartition  # noqa: E402
from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic  # noqa: E402

BOOTSTRAP, PREFIX = m.parse_args()
CLIENT_ID = "sluice-matrix-confluent"


def T(sid):
    return "%s-%s" % (PREFIX, sid)


def G(sid):
    return "%s-g-%s" % (PREFIX, sid)


admin = AdminClient({"bootstrap.servers": BOOTSTRAP, "client.id": CLIENT_ID})


def create_topic(d, topic, partitions=3, config=None):
    fs = admin.create_topics([NewTopic(topic, num_partitions=partitions, replication_factor=1,
                                       config=config or {})], operation_timeout=d.left(15))
    fs[topic].result(d.left(20))
    # librdkafka's producer must see the partitions before it picks one for a key
    m.wait_for(d, lambda: len(_partitions(topic)) == partitions, "metadata of %s incomplete" % topic, 0.2)


def _partitions(topic):
    t = admin.list_topics(topic, timeout=5).topics.get(topic)
    return {} if t is None or t.error is not None else t.partitions


def produce(d, topic, messages, **conf):
    """messages: dicts of produce() keyword arguments. Returns the delivered messages."""
    cfg = {"bootstrap.servers": BOOTSTRAP, "client.id": CLIENT_ID, "acks": "all",
           "enable.idempotence": True, "linger.ms": 5}
    cfg.update(conf)
    p = Producer(cfg)
    delivered = []
    errors = []

    def cb(err, msg):
        (errors if err is not None else delivered).append(err or msg)

    for kw in messages:
        p.produce(topic, on_delivery=cb, **kw)
        p.poll(0)
    left = p.flush(d.left())
    if errors:
        raise RuntimeError("delivery failed: %s" % errors[0])
    if left or len(delivered) != len(messages):
        raise TimeoutError("%d of %d message(s) acknowledged" % (len(delivered), len(messages)))
    return delivered


def consume(d, topic, count, sid, settle=0.0, group=None, **conf):
    """Reads count messages: assigned from the beginning of every partition, or in `group`."""
    cfg = {"bootstrap.servers": BOOTSTRAP, "client.id": CLIENT_ID, "group.id": group or G(sid),
           "auto.offset.reset": "earliest", "enable.auto.commit": False, "fetch.wait.max.ms": 100,
           "session.timeout.ms": 10000, "heartbeat.interval.ms": 300}
    cfg.update(conf)
    c = Consumer(cfg)
    got = []
    try:
        if group:
            c.subscribe([topic])
        else:
            parts = _partitions(topic)
            c.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in sorted(parts)])
        settle_end = None
        while True:
            if len(got) >= count and settle_end is None:
                settle_end = time.monotonic() + settle
            if settle_end is not None and time.monotonic() >= settle_end:
                return got
            if d.passed():
                raise TimeoutError("read %d of %d message(s)" % (len(got), count))
            for msg in c.consume(num_messages=500, timeout=0.2):
                if msg.error() is not None:
                    if msg.error().code() == KafkaError._PARTITION_EOF:
                        continue
                    raise RuntimeError(str(msg.error()))
                got.append(msg)
    finally:
        c.close()


state = {}


def create(d):
    topic = T("create-topic")
    create_topic(d, topic)
    n = len(_partitions(topic))
    if n != 3:
        raise RuntimeError("metadata shows %d partitions" % n)
    return "created; metadata shows 3 partitions"


def produce_keyed(d):
    topic = T("produce-keyed-acks-all")
    create_topic(d, topic)
    msgs = [{"key": "k%d" % (i % 10), "value": str(i)} for i in range(300)]
    got = produce(d, topic, msgs)
    return "%d acknowledged (idempotent, acks=all) on %d partition(s)" % (
        len(got), len({x.partition() for x in got}))


def consume_beginning(d):
    got = consume(d, T("produce-keyed-acks-all"), 300, "consume-from-beginning", settle=0.5)
    state["read"] = [(x.partition(), x.offset(), x.key().decode(), x.value().decode()) for x in got]
    if len(got) != 300:
        raise RuntimeError("read %d messages, expected 300" % len(got))
    return "read 300 (assigned, no group)"


def headers(d):
    topic = T("headers")
    create_topic(d, topic)
    produce(d, topic, [{"key": "h", "value": "with headers", "headers": [("h1", "v1"), ("h2", "")]}])
    [x] = consume(d, topic, 1, "headers")
    seen = [(k, None if v is None else v.decode()) for k, v in (x.headers() or [])]
    if seen != [("h1", "v1"), ("h2", "")]:
        raise RuntimeError("read headers %r" % seen)
    return 'h1=v1, h2="" in order'


def compression(codec):
    def body(d):
        topic = T("compression-" + codec)
        create_topic(d, topic)
        produce(d, topic, [{"key": "c%d" % i, "value": m.REPETITIVE_200} for i in range(50)],
                **{"compression.type": codec})
        got = consume(d, topic, 50, "compression-" + codec)
        bad = sum(1 for x in got if x.value() != m.REPETITIVE_200)
        if len(got) != 50 or bad:
            raise RuntimeError("read %d messages, %d corrupted" % (len(got), bad))
        return "50 x 200 B %s read back intact" % codec
    return body


def null_key_value(d):
    topic = T("null-key-and-value")
    create_topic(d, topic)
    produce(d, topic, [{"key": None, "value": None}])
    [x] = consume(d, topic, 1, "null-key-and-value")
    if x.key() is not None or x.value() is not None:
        raise RuntimeError("read key=%r value=%r" % (x.key(), x.value()))
    return "null key and null value read back as null"


def message_1mb(d):
    topic = T("message-1mb")
    create_topic(d, topic)
    big = m.one_megabyte()
    produce(d, topic, [{"key": "big", "value": big}], **{"message.max.bytes": 2000000})
    [x] = consume(d, topic, 1, "message-1mb")
    if x.value() != big:
        raise RuntimeError("read %d bytes, not the same" % len(x.value() or b""))
    return "1,000,000 bytes read back intact"


def group_rebalance(d):
    topic = T("group-rebalance")
    create_topic(d, topic, 4)
    group = G("group-rebalance")
    members = []
    for _ in range(2):
        c = Consumer({"bootstrap.servers": BOOTSTRAP, "client.id": CLIENT_ID, "group.id": group,
                      "auto.offset.reset": "earliest", "enable.auto.commit": False,
                      "session.timeout.ms": 10000, "heartbeat.interval.ms": 300, "fetch.wait.max.ms": 100})
        c.subscribe([topic])
        members.append(c)

    def owned(c):
        return sorted(tp.partition for tp in c.assignment())

    def poll_all():
        for c in members:
            c.poll(0.05)

    def split():
        poll_all()
        a, b = owned(members[0]), owned(members[1])
        return a and b and len(set(a) | set(b)) == 4 and len(a) + len(b) == 4

    try:
        m.wait_for(d, split, lambda: "both members assigned (now %s, %s)" % (owned(members[0]), owned(members[1])), 0)
        before = [owned(c) for c in members]
        members.pop(0).close()  # leaves the group
        rest = members[0]

        def all_four():
            rest.poll(0.1)
            return owned(rest) == [0, 1, 2, 3]

        m.wait_for(d, all_four, lambda: "the remaining member owns all 4 (it has %s)" % owned(rest), 0)
        return "split %s, then [0,1,2,3] after one left" % before
    finally:
        for c in members:
            c.close()


def commit_resume(d):
    topic = T("commit-and-resume")
    group = G("commit-and-resume")
    create_topic(d, topic)
    produce(d, topic, [{"key": "r", "value": str(i), "partition": 0} for i in range(20)])
    c = Consumer({"bootstrap.servers": BOOTSTRAP, "client.id": CLIENT_ID, "group.id": group,
                  "auto.offset.reset": "earliest", "enable.auto.commit": False,
                  "session.timeout.ms": 10000, "heartbeat.interval.ms": 300, "fetch.wait.max.ms": 100})
    try:
        c.subscribe([topic])
        first = []
        while len(first) < 10:
            d.check("the first member read %d of 10" % len(first))
            msg = c.poll(0.2)
            if msg is None or msg.error() is not None:
                continue
            first.append(msg.offset())
        if first != list(range(10)):
            raise RuntimeError("the first member read offsets %s" % first)
        c.commit(offsets=[TopicPartition(topic, 0, 10)], asynchronous=False)
    finally:
        c.close()
    got = consume(d, topic, 10, "commit-and-resume", settle=1.5, group=group)
    offsets = sorted(x.offset() for x in got)
    if offsets != list(range(10, 20)):
        raise RuntimeError("the new member read offsets %s" % offsets)
    return "first member read 0..9, committed 10; the new member read exactly 10..19"


def offsets_by_time(d):
    topic = T("list-offsets-by-timestamp")
    create_topic(d, topic)
    t0 = int(time.time() * 1000) - 3600000
    produce(d, topic, [{"value": "t%d" % i, "partition": 0, "timestamp": t0 + i * 1000} for i in range(5)])
    c = Consumer({"bootstrap.servers": BOOTSTRAP, "client.id": CLIENT_ID, "group.id": G("list-offsets-by-timestamp")})
    try:
        [tp] = c.offsets_for_times([TopicPartition(topic, 0, t0 + 2500)], timeout=d.left(10))
    finally:
        c.close()
    if tp.error is not None or tp.offset != 3:
        raise RuntimeError("offset for t0+2500 is %s (%s)" % (tp.offset, tp.error))
    return "offset for t0+2500 = 3"


def describe_configs(d):
    topic = T("describe-configs")
    create_topic(d, topic, 3, {"retention.ms": "123456"})
    res = ConfigResource("topic", topic)
    configs = admin.describe_configs([res])[res].result(d.left(15))
    entry = configs.get("retention.ms")
    if entry is None or entry.value != "123456":
        raise RuntimeError("retention.ms = %s" % (entry.value if entry else None))
    return "retention.ms=123456"


def delete_topic(d):
    topic = T("create-topic")
    admin.delete_topics([topic], operation_timeout=d.left(15))[topic].result(d.left(20))
    m.wait_for(d, lambda: topic not in admin.list_topics(timeout=5).topics, "%s still listed" % topic, 0.3)
    return "deleted; gone from the topic list"


m.run("confluent-kafka", [
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
