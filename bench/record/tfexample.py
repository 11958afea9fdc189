# tfexample.py — the tf.Example message classes for Python protobuf, built at run time from a
# descriptor written out here (field numbers from tensorflow/core/example/{example,feature}.proto),
# so that the benchmark needs only Debian's python3-protobuf, not protoc or TensorFlow.
from google.protobuf import descriptor_pb2, descriptor_pool

try:
    from google.protobuf import message_factory
    _get = getattr(message_factory, "GetMessageClass", None)
except ImportError:  # pragma: no cover
    _get = None

F = descriptor_pb2.FieldDescriptorProto


def _file():
    fd = descriptor_pb2.FileDescriptorProto(name="dl_bench_example.proto", package="tensorflow",
                                            syntax="proto3")

    def msg(name):
        m = fd.message_type.add()
        m.name = name
        return m

    def field(m, name, number, ftype, label=F.LABEL_OPTIONAL, type_name=None, packed=None,
              oneof=None):
        f = m.field.add(name=name, number=number, type=ftype, label=label)
        if type_name:
            f.type_name = type_name
        if packed is not None:
            f.options.packed = packed
        if oneof is not None:
            f.oneof_index = oneof
        return f

    field(msg("BytesList"), "value", 1, F.TYPE_BYTES, F.LABEL_REPEATED)
    field(msg("FloatList"), "value", 1, F.TYPE_FLOAT, F.LABEL_REPEATED, packed=True)
    field(msg("Int64List"), "value", 1, F.TYPE_INT64, F.LABEL_REPEATED, packed=True)
    feat = msg("Feature")
    feat.oneof_decl.add(name="kind")
    field(feat, "bytes_list", 1, F.TYPE_MESSAGE, type_name=".tensorflow.BytesList", oneof=0)
    field(feat, "float_list", 2, F.TYPE_MESSAGE, type_name=".tensorflow.FloatList", oneof=0)
    field(feat, "int64_list", 3, F.TYPE_MESSAGE, type_name=".tensorflow.Int64List", oneof=0)
    feats = msg("Features")
    entry = feats.nested_type.add(name="FeatureEntry")
    entry.options.map_entry = True
    field(entry, "key", 1, F.TYPE_STRING)
    field(entry, "value", 2, F.TYPE_MESSAGE, type_name=".tensorflow.Feature")
    field(feats, "feature", 1, F.TYPE_MESSAGE, F.LABEL_REPEATED,
          type_name=".tensorflow.Features.FeatureEntry")
    field(msg("Example"), "features", 1, F.TYPE_MESSAGE, type_name=".tensorflow.Features")
    return fd


_pool = descriptor_pool.DescriptorPool()
_pool.Add(_file())


def _cls(name):
    d = _pool.FindMessageTypeByName("tensorflow." + name)
    if _get:
        return _get(d)
    return message_factory.MessageFactory(_pool).GetPrototype(d)


Example = _cls("Example")
Feature = _cls("Feature")
