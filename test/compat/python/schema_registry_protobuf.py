"""confluent-kafka's ProtobufSerializer and ProtobufDeserializer against a registry, a broker and a pipeline.

Run with the virtualenv's Python (.peers/python, with the `protobuf` package). Job (argv[1], JSON):
{"registry": URL, "bootstrap": "host:port", "topic": input topic, "outputs": [topics the pipeline
routes to], "count": n}. The message classes are built at run time from FileDescriptorProtos (as
protoc would write them): shop/common.proto (Money) and shop/orders.proto, which imports it and
google/protobuf/timestamp.proto, with Order (a nested Line) and Refund.

1. The serializer registers the schema itself (auto.register.schemas): shop/common.proto under its
   own subject as a reference, the well-known import skipped as the client does by default.
2. n Orders, one Refund and one Order.Line are produced framed (indexes [0], [1], [0, 0]), and one
   framed message whose payload is not Protobuf ("broken").
3. Every record the pipeline routed to the outputs is read and deserialized with the same client.
4. A compatible change (a new field) is registered; a breaking one (a field's type) must be refused.
5. If the job names "textSchemaId" (shipping.proto, PARCEL_PROTO in the test, registered as .proto
   text under "pb-text-value"), it is fetched with format=serialized and loaded into a DescriptorPool
   as the deserializer does (its messages' fields), and the client looks up its own descriptor of
   the same file (built here as protoc would) under that subject: the same id.
Prints one JSON object: {"ok", "sent", "received", "frames", "subjects", "compatible", "breaking",
"textMessages", "textLookupId", "error"}.
"""
import base64
import json
import sys
import traceback

from confluent_kafka import Consumer, Producer
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, timestamp_pb2
from google.protobuf.message_factory import GetMessageClass

F = descriptor_pb2.FieldDescriptorProto


def field(msg, name, number, kind, type_name=None, repeated=False):
    f = msg.field.add(name=name, number=number, type=kind,
                      label=F.LABEL_REPEATED if repeated else F.LABEL_OPTIONAL)
    if type_name is not None:
        f.type_name = type_name
    return f


def common_file():
    fd = descriptor_pb2.FileDescriptorProto(name="shop/common.proto", package="shop.common", syntax="proto3")
    money = fd.message_type.add(name="Money")
    field(money, "currency", 1, F.TYPE_STRING)
    field(money, "units", 2, F.TYPE_INT64)
    return fd


def orders_file(amount_type=F.TYPE_MESSAGE, extra_field=False):
    fd = descriptor_pb2.FileDescriptorProto(
        name="shop/orders.proto", package="shop", syntax="proto3",
        dependency=["shop/common.proto", "google/protobuf/timestamp.proto"])
    order = fd.message_type.add(name="Order")
    field(order, "id", 1, F.TYPE_STRING)
    field(order, "total", 2, amount_type, ".shop.common.Money" if amount_type == F.TYPE_MESSAGE else None)
    field(order, "lines", 3, F.TYPE_MESSAGE, ".shop.Order.Line", repeated=True)
    field(order, "placed_at", 4, F.TYPE_MESSAGE, ".google.protobuf.Timestamp")
    field(order, "region", 5, F.TYPE_STRING)
    if extra_field:
        field(order, "note", 6, F.TYPE_STRING)
    line = order.nested_type.add(name="Line")
    field(line, "sku", 1, F.TYPE_STRING)
    field(line, "qty", 2, F.TYPE_INT32)
    refund = fd.message_type.add(name="Refund")
    field(refund, "order_id", 1, F.TYPE_STRING)
    field(refund, "reason", 2, F.TYPE_STRING)
    return fd


def parcel_file():
    fd = descriptor_pb2.FileDescriptorProto(
        name="shipping.proto", package="shipping", syntax="proto3",
        dependency=["google/protobuf/timestamp.proto"])
    parcel = fd.message_type.add(name="Parcel")
    field(parcel, "id", 1, F.TYPE_STRING)
    field(parcel, "items", 2, F.TYPE_MESSAGE, ".shipping.Parcel.Item", repeated=True)
    field(parcel, "sent_at", 3, F.TYPE_MESSAGE, ".google.protobuf.Timestamp")
    field(parcel, "tags", 4, F.TYPE_MESSAGE, ".shipping.Parcel.TagsEntry", repeated=True)
    field(parcel, "status", 5, F.TYPE_ENUM, ".shipping.Status")
    item = parcel.nested_type.add(name="Item")
    field(item, "sku", 1, F.TYPE_STRING)
    field(item, "grams", 2, F.TYPE_INT64)
    entry = parcel.nested_type.add(name="TagsEntry")
    entry.options.map_entry = True
    field(entry, "key", 1, F.TYPE_STRING)
    field(entry, "value", 2, F.TYPE_INT32)
    status = fd.enum_type.add(name="Status")
    status.value.add(name="NEW", number=0)
    status.value.add(name="SENT", number=1)
    return fd


def classes():
    pool = descriptor_pool.DescriptorPool()
    pool.AddSerializedFile(timestamp_pb2.DESCRIPTOR.serialized_pb)
    pool.Add(common_file())
    pool.Add(orders_file())
    get = lambda name: GetMessageClass(pool.FindMessageTypeByName(name))  # noqa: E731
    return get("shop.Order"), get("shop.Order.Line"), get("shop.Refund")


def as_dict(msg):
    return json_format.MessageToDict(msg, preserving_proto_field_name=True)


def read_outputs(job, expected):
    consumer = Consumer({
        "bootstrap.servers": job["bootstrap"], "group.id": "pb-reader",
        "auto.offset.reset": "earliest", "enable.auto.commit": False,
    })
    consumer.subscribe(job["outputs"])
    records = []
    try:
        while len(records) < expected:
            msg = consumer.poll(20)
            if msg is None:
                raise RuntimeError("no routed message within 20 s (%d of %d)" % (len(records), expected))
            if msg.error():
                raise RuntimeError(str(msg.error()))
            records.append(msg)
    finally:
        consumer.close()
    return records


def text_schema_messages(registry, schema_id):
    schema = registry.get_schema(schema_id, None, "serialized")
    fd = descriptor_pb2.FileDescriptorProto()
    fd.ParseFromString(base64.standard_b64decode(schema.schema_str))
    fd.name = "text.proto"
    pool = descriptor_pool.DescriptorPool()
    pool.AddSerializedFile(timestamp_pb2.DESCRIPTOR.serialized_pb)
    pool.Add(fd)
    file = pool.FindFileByName("text.proto")

    def fields(desc):
        out = {desc.full_name: [[f.name, f.number, f.type, f.is_repeated] for f in desc.fields]}
        for nested in desc.nested_types:
            out.update(fields(nested))
        return out

    found = {}
    for desc in file.message_types_by_name.values():
        found.update(fields(desc))
    return found


def main():
    job = json.loads(sys.argv[1])
    registry = SchemaRegistryClient({"url": job["registry"]})
    topic = job["topic"]
    out = {"ok": False}
    try:
        Order, Line, Refund = classes()
        conf = {"auto.register.schemas": True}
        serializers = {"order": ProtobufSerializer(Order, registry, conf),
                       "line": ProtobufSerializer(Line, registry, conf),
                       "refund": ProtobufSerializer(Refund, registry, conf)}
        # With the client, the deserializer fetches the writer's schema (format=serialized) by id.
        deserializers = {kind: ProtobufDeserializer(cls, None, registry)
                         for kind, cls in (("order", Order), ("line", Line), ("refund", Refund))}
        ctx = SerializationContext(topic, MessageField.VALUE)
        values = {}
        for i in range(job["count"]):
            order = Order(id="o-%d" % i, region="eu.west" if i % 2 == 0 else "us.east")
            order.total.currency = "EUR"
            order.total.units = 10_000_000_000 + i
            order.lines.add(sku="sku-%d" % i, qty=i + 1)
            order.placed_at.seconds = 1_700_000_000 + i
            order.placed_at.nanos = 5000
            values["order-%d" % i] = ("order", order)
        values["refund-0"] = ("refund", Refund(order_id="o-0", reason="damaged"))
        values["line-0"] = ("line", Line(sku="loose", qty=7))
        producer = Producer({"bootstrap.servers": job["bootstrap"], "acks": "all"})
        frames = {}
        for key, (kind, value) in values.items():
            raw = serializers[kind](value, ctx)
            frames[key] = list(raw[:8])
            producer.produce(topic, key=key, value=raw)
        schema_id = int.from_bytes(bytes(frames["order-0"][1:5]), "big")
        producer.produce(topic, key="broken", value=bytes([0]) + schema_id.to_bytes(4, "big") + b"\x00\xff\xff\xff")
        if producer.flush(30) != 0:
            raise RuntimeError("messages left unsent")
        out["sent"] = {k: as_dict(v) for k, (_, v) in values.items()}
        out["frames"] = frames
        out["subjects"] = sorted(registry.get_subjects())

        received = {}
        for msg in read_outputs(job, len(values)):
            key = msg.key().decode()
            kind = values[key][0] if key in values else "order"
            decoded = deserializers[kind](msg.value(), SerializationContext(msg.topic(), MessageField.VALUE))
            received[key] = {"topic": msg.topic(), "value": as_dict(decoded)}
        out["received"] = received

        subject = topic + "-value"
        refs = registry.get_latest_version(subject).schema.references
        to_b64 = lambda fd: base64.b64encode(fd.SerializeToString()).decode()  # noqa: E731
        compatible = Schema(to_b64(orders_file(extra_field=True)), "PROTOBUF", refs)
        out["compatible"] = registry.register_schema(subject, compatible)
        breaking = Schema(to_b64(orders_file(amount_type=F.TYPE_STRING)), "PROTOBUF", refs)
        try:
            registry.register_schema(subject, breaking)
            out["breaking"] = {"status": 200}
        except SchemaRegistryError as e:
            out["breaking"] = {"status": e.http_status_code, "code": e.error_code, "message": e.error_message}
        if "textSchemaId" in job:
            out["textMessages"] = text_schema_messages(registry, job["textSchemaId"])
            own = Schema(base64.b64encode(parcel_file().SerializeToString()).decode(), "PROTOBUF")
            out["textLookupId"] = registry.lookup_schema("pb-text-value", own).schema_id
        out["ok"] = True
    except Exception as e:  # reported, not raised: the test shows the reason
        out["error"] = "%s: %s\n%s" % (type(e).__name__, e, traceback.format_exc())
    print(json.dumps(out))
    return 0 if out["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
