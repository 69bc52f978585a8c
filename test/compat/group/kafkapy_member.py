#!/usr/bin/python3
"""A long-running kafka-python group member. Same contract as confluent_member.py: one JSON
config argument, JSON lines out (assigned/revoked, msg, closed), a synchronous commit after each
processed batch, and on SIGTERM close() (which leaves the group)."""
import json
import logging
import signal
import sys

from kafka import ConsumerRebalanceListener, KafkaConsumer
from kafka.errors import KafkaError

cfg = json.loads(sys.argv[1])
logging.basicConfig(stream=sys.stderr, level=logging.DEBUG if cfg.get("debug") else logging.WARNING)


def out(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


running = True


def stop(_sig, _frame):
    global running
    running = False


signal.signal(signal.SIGTERM, stop)


class Listener(ConsumerRebalanceListener):
    def on_partitions_revoked(self, revoked):
        out({"ev": "revoked", "partitions": sorted(tp.partition for tp in revoked)})

    def on_partitions_assigned(self, assigned):
        out({"ev": "assigned", "partitions": sorted(tp.partition for tp in assigned)})


c = KafkaConsumer(
    bootstrap_servers=cfg["bootstrap"],
    group_id=cfg["group"],
    client_id=cfg["clientId"],
    auto_offset_reset="earliest",
    enable_auto_commit=False,
    session_timeout_ms=cfg["sessionTimeoutMs"],
    heartbeat_interval_ms=cfg["heartbeatIntervalMs"],
    max_poll_interval_ms=cfg["rebalanceTimeoutMs"],
    fetch_max_wait_ms=200,
)
c.subscribe([cfg["topic"]], listener=Listener())
out({"ev": "started"})
while running:
    batch = c.poll(timeout_ms=200)
    for tp in sorted(batch, key=lambda t: t.partition):
        for r in batch[tp]:
            out({"ev": "msg", "p": r.partition, "o": r.offset,
                 "k": None if r.key is None else r.key.decode(),
                 "v": None if r.value is None else r.value.decode()})
    if batch:
        try:
            c.commit()
        except KafkaError as e:  # CommitFailedError after a rebalance: the messages come again
            sys.stderr.write("commit failed: %r\n" % e)
c.close()
out({"ev": "closed"})
