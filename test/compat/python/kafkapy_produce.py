#!/usr/bin/python3
"""Produces job.messages with kafka-python; prints partition/offset per message.
Job and result format: see _job.py. Limits of kafka-python 2.0.2: a message needs a key or a
value, and header values cannot be null. job.config may hold KafkaProducer keyword arguments
(e.g. {"api_version": [2, 6, 0]})."""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _job  # noqa: E402
from kafka import KafkaProducer  # noqa: E402


def body(job, results):
    deadline = _job.Deadline(job)
    comp = _job.compression(job)
    kwargs = {
        "bootstrap_servers": job["bootstrap"],
        "compression_type": None if comp == "none" else comp,
        "acks": _job.acks(job),
        "linger_ms": 5,
        "client_id": "sluice-compat-kafkapy",
        "request_timeout_ms": max(1000, int(job.get("timeoutMs", 30000))),
    }
    kwargs.update(_job_config(job))
    p = KafkaProducer(**kwargs)
    try:
        futures = []
        messages = job.get("messages") or []
        for i, m in enumerate(messages):
            # kafka-python's own limits (asserts in KafkaProducer.send), said clearly:
            if m.get("key") is None and m.get("value") is None:
                raise ValueError("message %d: kafka-python cannot send a null key with a null value" % i)
            if any(h[1] is None for h in (m.get("headers") or [])):
                raise ValueError("message %d: kafka-python cannot send a null header value" % i)
            futures.append(p.send(
                job["topic"],
                key=_job.b64d(m.get("key")),
                value=_job.b64d(m.get("value")),
                headers=_job.job_headers(m) or None,
                partition=m.get("partition"),
            ))
        p.flush(deadline.left())
        for m, f in zip(messages, futures):
            md = f.get(timeout=max(0.1, deadline.left()))
            results.append({
                "partition": md.partition,
                "offset": md.offset,
                "key": m.get("key"),
                "value": m.get("value"),
                "headers": m.get("headers") or [],
                "timestamp": md.timestamp,
            })
    finally:
        p.close(timeout=max(0.1, deadline.left()))


def _job_config(job):
    conf = dict(job.get("config") or {})
    if isinstance(conf.get("api_version"), list):
        conf["api_version"] = tuple(conf["api_version"])
    return conf


_job.run("kafka-python", body)
