"""confluent-kafka's Schema Registry client and serializers against a registry and a broker.

Run with the virtualenv's Python (.peers/python, which has confluent-kafka's schemaregistry, avro
and json extras). Job (argv[1], JSON): {"registry": URL, "bootstrap": "host:port", "topic": base
name, "count": n}. For Avro and then JSON Schema: the serializer registers its schema itself
(auto.register.schemas), n framed messages are produced to `<topic>-avro` / `<topic>-json` with the
confluent-kafka Producer, read back with a Consumer and decoded with the matching deserializer.
Prints one JSON object: {"ok", "avro": {...}, "json": {...}, "error"}.
"""
import json
import sys
import traceback

from confluent_kafka import Consumer, Producer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

AVRO_SCHEMA = json.dumps({
    "type": "record", "name": "Payment", "namespace": "shop",
    "fields": [{"name": "id", "type": "string"}, {"name": "amount", "type": "double"}],
})
JSON_SCHEMA = json.dumps({
    "$schema": "http://json-schema.org/draft-07/schema#", "title": "Payment", "type": "object",
    "properties": {"id": {"type": "string"}, "amount": {"type": "number"}},
    "required": ["id", "amount"],
})


def roundtrip(job, registry, kind, serializer, deserializer):
    topic = "%s-%s" % (job["topic"], kind)
    producer = Producer({"bootstrap.servers": job["bootstrap"], "acks": "all"})
    sent = []
    for i in range(job["count"]):
        value = {"id": "p-%d" % i, "amount": i + 0.5}
        ctx = SerializationContext(topic, MessageField.VALUE)
        producer.produce(topic, value=serializer(value, ctx))
        sent.append(value)
    if producer.flush(30) != 0:
        raise RuntimeError("messages left unsent")
    consumer = Consumer({
        "bootstrap.servers": job["bootstrap"], "group.id": "sr-" + topic,
        "auto.offset.reset": "earliest", "enable.auto.commit": False,
    })
    consumer.subscribe([topic])
    received, ids = [], set()
    try:
        while len(received) < len(sent):
            msg = consumer.poll(20)
            if msg is None:
                raise RuntimeError("no message within 20 s (%d of %d)" % (len(received), len(sent)))
            if msg.error():
                raise RuntimeError(str(msg.error()))
            raw = msg.value()
            ids.add(int.from_bytes(raw[1:5], "big") if raw[0] == 0 else -1)
            received.append(deserializer(raw, SerializationContext(topic, MessageField.VALUE)))
    finally:
        consumer.close()
    latest = registry.get_latest_version(topic + "-value")
    return {"sent": sent, "received": received, "frameIds": sorted(ids),
            "registeredId": latest.schema_id, "version": latest.version}


def main():
    job = json.loads(sys.argv[1])
    registry = SchemaRegistryClient({"url": job["registry"]})
    out = {"ok": False}
    try:
        to_dict = lambda obj, ctx: obj  # noqa: E731
        from_dict = lambda d, ctx: d  # noqa: E731
        conf = {"auto.register.schemas": True}
        out["avro"] = roundtrip(job, registry, "avro",
                                AvroSerializer(registry, AVRO_SCHEMA, to_dict, conf),
                                AvroDeserializer(registry, AVRO_SCHEMA, from_dict))
        out["json"] = roundtrip(job, registry, "json",
                                JSONSerializer(JSON_SCHEMA, registry, to_dict, conf),
                                JSONDeserializer(JSON_SCHEMA, from_dict, registry))
        out["ok"] = True
    except Exception as e:  # reported, not raised: the test shows the reason
        out["error"] = "%s: %s\n%s" % (type(e).__name__, e, traceback.format_exc())
    print(json.dumps(out))
    return 0 if out["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
