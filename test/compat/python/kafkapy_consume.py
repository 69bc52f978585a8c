#!/usr/bin/python3
"""Consumes job.count messages from the beginning with kafka-python.
With job.group: subscribes in that group, commits what it read, leaves. Without: assigns every
partition of the topic from the beginning. Job and result format: see _job.py. job.config may
hold KafkaConsumer keyword arguments (e.g. {"api_version": [2, 6, 0]})."""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _job  # noqa: E402
from kafka import KafkaConsumer, TopicPartition  # noqa: E402


def body(job, results):
    deadline = _job.Deadline(job)
    group = job.get("group")
    kwargs = {
        "bootstrap_servers": job["bootstrap"],
        "group_id": group,
        "auto_offset_reset": "earliest",
        "enable_auto_commit": False,
        "client_id": "sluice-compat-kafkapy",
    }
    conf = dict(job.get("config") or {})
    if isinstance(conf.get("api_version"), list):
        conf["api_version"] = tuple(conf["api_version"])
    kwargs.update(conf)
    c = KafkaConsumer(**kwargs)
    try:
        topic = job["topic"]
        if group:
            c.subscribe([topic])
        else:
            parts = None
            while not parts:
                parts = c.partitions_for_topic(topic)
                if not parts:
                    if deadline.passed():
                        raise TimeoutError("no metadata for topic %s" % topic)
                    c.poll(timeout_ms=100)  # drives a metadata refresh
            tps = [TopicPartition(topic, p) for p in sorted(parts)]
            c.assign(tps)
            c.seek_to_beginning(*tps)
        count = int(job.get("count", 1))
        while len(results) < count:
            if deadline.passed():
                raise TimeoutError("read %d of %d message(s)" % (len(results), count))
            batch = c.poll(timeout_ms=int(min(500, deadline.left() * 1000)),
                           max_records=count - len(results))
            for tp in sorted(batch, key=lambda t: t.partition):
                for r in batch[tp]:
                    results.append({
                        "partition": r.partition,
                        "offset": r.offset,
                        "key": _job.b64e(r.key),
                        "value": _job.b64e(r.value),
                        "headers": _job.out_headers(r.headers),
                        "timestamp": r.timestamp,
                    })
        if group and results:
            c.commit()
    finally:
        c.close()


_job.run("kafka-python", body)
