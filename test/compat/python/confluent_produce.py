#!/usr/bin/python3
"""Produces job.messages with confluent-kafka (librdkafka); prints partition/offset per message.
Job and result format: see _job.py."""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _job  # noqa: E402
from confluent_kafka import Producer  # noqa: E402


def body(job, results):
    deadline = _job.Deadline(job)
    conf = {
        "bootstrap.servers": job["bootstrap"],
        "compression.type": _job.compression(job),
        "acks": str(_job.acks(job)),
        "linger.ms": 5,
        "client.id": "sluice-compat-confluent",
    }
    conf.update(job.get("config") or {})
    p = Producer(conf)
    messages = job.get("messages") or []
    reports = [None] * len(messages)

    def on_delivery(i):
        def cb(err, msg):
            reports[i] = (err, msg)
        return cb

    for i, m in enumerate(messages):
        kwargs = {"key": _job.b64d(m.get("key")), "value": _job.b64d(m.get("value")),
                  "on_delivery": on_delivery(i)}
        headers = _job.job_headers(m)
        if headers:
            kwargs["headers"] = headers
        if m.get("partition") is not None:
            kwargs["partition"] = int(m["partition"])
        while True:
            try:
                p.produce(job["topic"], **kwargs)
                break
            except BufferError:  # local queue full: let deliveries drain, then retry
                if deadline.passed():
                    raise TimeoutError("local queue stayed full")
                p.poll(0.1)
        p.poll(0)
    remaining = p.flush(deadline.left())
    if remaining:
        raise TimeoutError("%d message(s) not delivered in time" % remaining)
    for i, (m, (err, msg)) in enumerate(zip(messages, reports)):
        if err is not None:
            raise RuntimeError("message %d: %s" % (i, err))
        # Delivery reports carry no headers: echo what was sent.
        results.append({
            "partition": msg.partition(),
            "offset": msg.offset(),
            "key": m.get("key"),
            "value": m.get("value"),
            "headers": m.get("headers") or [],
            "timestamp": msg.timestamp()[1],
        })


_job.run("confluent-kafka", body)
