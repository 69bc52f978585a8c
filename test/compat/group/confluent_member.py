#!/usr/bin/python3
"""A long-running confluent-kafka (librdkafka) group member.

One JSON argument: {bootstrap, group, topic, clientId, sessionTimeoutMs, heartbeatIntervalMs,
rebalanceTimeoutMs, debug}. Prints one JSON line per assignment change
({"ev":"assigned","partitions":[...]}, {"ev":"revoked",...}) and per message
({"ev":"msg","p","o","k","v"}), commits synchronously after each processed batch, and on SIGTERM
stops polling, closes (which leaves the group) and prints {"ev":"closed"}. Logs go to stderr.
"""
import json
import signal
import sys

from confluent_kafka import Consumer, KafkaError, KafkaException

cfg = json.loads(sys.argv[1])


def out(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


running = True


def stop(_sig, _frame):
    global running
    running = False


signal.signal(signal.SIGTERM, stop)

conf = {
    "bootstrap.servers": cfg["bootstrap"],
    "group.id": cfg["group"],
    "client.id": cfg["clientId"],
    "auto.offset.reset": "earliest",
    "enable.auto.commit": False,
    "session.timeout.ms": cfg["sessionTimeoutMs"],
    "heartbeat.interval.ms": cfg["heartbeatIntervalMs"],
    "max.poll.interval.ms": cfg["rebalanceTimeoutMs"],
    "fetch.wait.max.ms": 200,
}
if cfg.get("debug"):
    conf["debug"] = "cgrp,protocol"
c = Consumer(conf)


def on_assign(_c, parts):
    out({"ev": "assigned", "partitions": sorted(p.partition for p in parts)})


def on_revoke(_c, parts):
    out({"ev": "revoked", "partitions": sorted(p.partition for p in parts)})


c.subscribe([cfg["topic"]], on_assign=on_assign, on_revoke=on_revoke)
out({"ev": "started"})
while running:
    got = False
    for m in c.consume(num_messages=500, timeout=0.2):
        if m.error() is not None:
            if m.error().code() != KafkaError._PARTITION_EOF:
                sys.stderr.write("consume error: %s\n" % m.error())
            continue
        key = m.key()
        value = m.value()
        out({"ev": "msg", "p": m.partition(), "o": m.offset(),
             "k": None if key is None else key.decode(), "v": None if value is None else value.decode()})
        got = True
    if got:
        try:
            c.commit(asynchronous=False)
        except KafkaException as e:  # e.g. a rebalance under way: the messages come again
            sys.stderr.write("commit failed: %s\n" % e)
c.close()
out({"ev": "closed"})
