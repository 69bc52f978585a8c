#!/usr/bin/python3
"""Consumes job.count messages from the beginning with confluent-kafka (librdkafka).
With job.group: subscribes in that group, commits what it read, leaves. Without: assigns every
partition of the topic from the beginning. Job and result format: see _job.py."""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _job  # noqa: E402
from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, TopicPartition  # noqa: E402


def body(job, results):
    deadline = _job.Deadline(job)
    group = job.get("group")
    conf = {
        "bootstrap.servers": job["bootstrap"],
        "group.id": group or "sluice-compat-nogroup",
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
        "client.id": "sluice-compat-confluent",
    }
    conf.update(job.get("config") or {})
    c = Consumer(conf)
    try:
        topic = job["topic"]
        if group:
            c.subscribe([topic])
        else:
            md = c.list_topics(topic, timeout=deadline.left())
            t = md.topics.get(topic)
            if t is None or t.error is not None:
                raise RuntimeError("topic %s: %s" % (topic, t.error if t else "missing"))
            c.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in sorted(t.partitions)])
        count = int(job.get("count", 1))
        while len(results) < count:
            if deadline.passed():
                raise TimeoutError("read %d of %d message(s)" % (len(results), count))
            batch = c.consume(num_messages=min(1000, count - len(results)), timeout=min(0.5, deadline.left()))
            for msg in batch:
                if msg.error() is not None:
                    if msg.error().code() == KafkaError._PARTITION_EOF:
                        continue
                    raise RuntimeError(str(msg.error()))
                results.append({
                    "partition": msg.partition(),
                    "offset": msg.offset(),
                    "key": _job.b64e(msg.key()),
                    "value": _job.b64e(msg.value()),
                    "headers": _job.out_headers(msg.headers()),
                    "timestamp": msg.timestamp()[1],
                })
        if group and results:
            c.commit(asynchronous=False)
    finally:
        c.close()


_job.run("confluent-kafka", body)
