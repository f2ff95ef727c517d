using System.Buffers.Binary;
using System.IO.Compression;

namespace FukushiMap.Data.Network;

/// <summary>
/// Reads an OSM PBF file block by block and decodes only what the walking network needs (node ids and coordinates, way ids, tag
/// indices and node references), straight from the protobuf bytes into reused buffers: no object per node or way, metadata
/// (versions, users, timestamps) skipped unread. Format: https://wiki.openstreetmap.org/wiki/PBF_Format.
/// </summary>
internal sealed class PbfBlockReader : IDisposable
{
    private const int MaxHeaderBytes = 64 * 1024;
    private const int MaxBlobBytes = 32 * 1024 * 1024;
    private readonly FileStream _stream;
    private byte[] _blob = new byte[1 << 16];
    private byte[] _header = new byte[256];

    public PbfBlockReader(string path)
    {
        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
    }

    public long Position => _stream.Position;
    public long Length => _stream.Length;

    /// <summary>Reads the next OSMData block into <paramref name="block"/> (header blocks are skipped); false at the end of the file.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a PBF block (a broken or cut file).</exception>
    public bool Next(PbfBlock block)
    {
        while (true)
        {
            Span<byte> prefix = stackalloc byte[4];
            var got = _stream.ReadAtLeast(prefix, 4, throwOnEndOfStream: false);
            if (got == 0)
            {
                return false;
            }
            if (got < 4)
            {
                throw new InvalidDataException("cut in a blob length");
            }
            var headerLength = BinaryPrimitives.ReadInt32BigEndian(prefix);
            if (headerLength is <= 0 or > MaxHeaderBytes)
            {
                throw new InvalidDataException("blob header length out of range");
            }
            EnsureCapacity(ref _header, headerLength);
            _stream.ReadExactly(_header, 0, headerLength);
            var (isData, dataSize) = ParseBlobHeader(_header.AsSpan(0, headerLength));
            if (dataSize is <= 0 or > MaxBlobBytes)
            {
                throw new InvalidDataException("blob size out of range");
            }
            EnsureCapacity(ref _blob, dataSize);
            _stream.ReadExactly(_blob, 0, dataSize);
            if (!isData)
            {
                continue;
            }
            block.Load(_blob, dataSize);
            return true;
        }
    }

    public void Dispose() => _stream.Dispose();

    private static (bool IsData, int DataSize) ParseBlobHeader(ReadOnlySpan<byte> header)
    {
        var pos = 0;
        var isData = false;
        var size = -1;
        while (pos < header.Length)
        {
            var (field, wire) = Protobuf.Key(header, ref pos);
            switch (field, wire)
            {
                case (1, 2):
                    isData = Protobuf.Bytes(header, ref pos).SequenceEqual("OSMData"u8);
                    break;
                case (3, 0):
                    size = (int)Protobuf.Varint(header, ref pos);
                    break;
                default:
                    Protobuf.Skip(header, ref pos, wire);
                    break;
            }
        }
        return (isData, size);
    }

    internal static void EnsureCapacity<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new T[Math.Max(length, buffer.Length * 2)];
        }
    }
}

/// <summary>One decompressed PrimitiveBlock: its string table, coordinate scaling and groups, read on demand.</summary>
internal sealed class PbfBlock
{
    private byte[] _data = new byte[1 << 20];
    private int _length;
    private readonly List<(int Start, int Length)> _strings = [];
    private readonly List<(int Start, int Length)> _groups = [];
    private long _granularity;
    private long _latOffset;
    private long _lonOffset;
    private readonly List<uint> _keys = [];
    private readonly List<uint> _vals = [];
    private readonly List<long> _refs = [];

    public int StringCount => _strings.Count;

    public ReadOnlySpan<byte> String(int index) => _data.AsSpan(_strings[index].Start, _strings[index].Length);

    /// <summary>Index of <paramref name="s"/> in the string table, or -1.</summary>
    public int FindString(ReadOnlySpan<byte> s)
    {
        for (var i = 1; i < _strings.Count; i++)
        {
            if (String(i).SequenceEqual(s))
            {
                return i;
            }
        }
        return -1;
    }

    internal void Load(byte[] blobBuffer, int blobLength)
    {
        var blob = blobBuffer.AsSpan(0, blobLength);
        ReadOnlySpan<byte> raw = default;
        int zlibStart = -1, zlibLength = 0, rawSize = -1;
        var pos = 0;
        while (pos < blob.Length)
        {
            var (field, wire) = Protobuf.Key(blob, ref pos);
            switch (field, wire)
            {
                case (1, 2):
                    raw = Protobuf.Bytes(blob, ref pos);
                    break;
                case (2, 0):
                    rawSize = (int)Protobuf.Varint(blob, ref pos);
                    break;
                case (3, 2):
                    zlibLength = Protobuf.Length(blob, ref pos);
                    zlibStart = pos;
                    pos += zlibLength;
                    break;
                case (4 or 5 or 6 or 7, 2):
                    throw new NotSupportedException("lzma/bzip2/lz4/zstd");
                default:
                    Protobuf.Skip(blob, ref pos, wire);
                    break;
            }
        }
        if (zlibStart < 0)
        {
            PbfBlockReader.EnsureCapacity(ref _data, raw.Length);
            raw.CopyTo(_data);
            _length = raw.Length;
        }
        else
        {
            if (rawSize is < 0 or > 64 * 1024 * 1024)
            {
                throw new InvalidDataException("raw size out of range");
            }
            PbfBlockReader.EnsureCapacity(ref _data, rawSize);
            using var source = new MemoryStream(blobBuffer, zlibStart, zlibLength, writable: false);
            using var inflate = new ZLibStream(source, CompressionMode.Decompress);
            inflate.ReadExactly(_data, 0, rawSize);
            _length = rawSize;
        }
        ParsePrimitiveBlock();
    }

    private void ParsePrimitiveBlock()
    {
        _strings.Clear();
        _groups.Clear();
        _granularity = 100;
        _latOffset = 0;
        _lonOffset = 0;
        var data = _data.AsSpan(0, _length);
        var pos = 0;
        while (pos < data.Length)
        {
            var (field, wire) = Protobuf.Key(data, ref pos);
            switch (field, wire)
            {
                case (1, 2):
                    var table = Protobuf.Length(data, ref pos);
                    var end = pos + table;
                    while (pos < end)
                    {
                        var (f, w) = Protobuf.Key(data, ref pos);
                        if (f == 1 && w == 2)
                        {
                            var length = Protobuf.Length(data, ref pos);
                            _strings.Add((pos, length));
                            pos += length;
                        }
                        else
                        {
                            Protobuf.Skip(data, ref pos, w);
                        }
                    }
                    break;
                case (2, 2):
                    var group = Protobuf.Length(data, ref pos);
                    _groups.Add((pos, group));
                    pos += group;
                    break;
                case (17, 0):
                    _granularity = (long)Protobuf.Varint(data, ref pos);
                    break;
                case (19, 0):
                    _latOffset = (long)Protobuf.Varint(data, ref pos);
                    break;
                case (20, 0):
                    _lonOffset = (long)Protobuf.Varint(data, ref pos);
                    break;
                default:
                    Protobuf.Skip(data, ref pos, wire);
                    break;
            }
        }
    }

    /// <summary>True when a group of the block holds ways or relations (read from the field keys only).</summary>
    public bool HasWaysOrRelations()
    {
        var data = _data.AsSpan(0, _length);
        foreach (var (start, length) in _groups)
        {
            var g = data.Slice(start, length);
            var pos = 0;
            while (pos < g.Length)
            {
                var (field, wire) = Protobuf.Key(g, ref pos);
                if (field is 3 or 4)
                {
                    return true;
                }
                Protobuf.Skip(g, ref pos, wire);
            }
        }
        return false;
    }

    /// <summary>Calls <paramref name="visit"/> with (id, lon, lat) for every node, dense or not.</summary>
    public int ForEachNode(Action<long, double, double> visit)
    {
        var count = 0;
        var data = _data.AsSpan(0, _length);
        foreach (var (start, length) in _groups)
        {
            var g = data.Slice(start, length);
            var pos = 0;
            while (pos < g.Length)
            {
                var (field, wire) = Protobuf.Key(g, ref pos);
                if (wire == 2 && field == 2)
                {
                    count += VisitDense(Protobuf.Bytes(g, ref pos), visit);
                }
                else if (wire == 2 && field == 1)
                {
                    VisitNode(Protobuf.Bytes(g, ref pos), visit);
                    count++;
                }
                else
                {
                    Protobuf.Skip(g, ref pos, wire);
                }
            }
        }
        return count;
    }

    private double Lon(long raw) => 1e-9 * (_lonOffset + _granularity * raw);
    private double Lat(long raw) => 1e-9 * (_latOffset + _granularity * raw);

    private int VisitDense(ReadOnlySpan<byte> dense, Action<long, double, double> visit)
    {
        ReadOnlySpan<byte> ids = default, lats = default, lons = default;
        var pos = 0;
        while (pos < dense.Length)
        {
            var (field, wire) = Protobuf.Key(dense, ref pos);
            switch (field, wire)
            {
                case (1, 2):
                    ids = Protobuf.Bytes(dense, ref pos);
                    break;
                case (8, 2):
                    lats = Protobuf.Bytes(dense, ref pos);
                    break;
                case (9, 2):
                    lons = Protobuf.Bytes(dense, ref pos);
                    break;
                default:
                    Protobuf.Skip(dense, ref pos, wire);
                    break;
            }
        }
        int pi = 0, pa = 0, po = 0, count = 0;
        long id = 0, lat = 0, lon = 0;
        while (pi < ids.Length)
        {
            id += Protobuf.ZigZag(Protobuf.Varint(ids, ref pi));
            lat += Protobuf.ZigZag(Protobuf.Varint(lats, ref pa));
            lon += Protobuf.ZigZag(Protobuf.Varint(lons, ref po));
            visit(id, Lon(lon), Lat(lat));
            count++;
        }
        return count;
    }

    private void VisitNode(ReadOnlySpan<byte> node, Action<long, double, double> visit)
    {
        long id = 0, lat = 0, lon = 0;
        var pos = 0;
        while (pos < node.Length)
        {
            var (field, wire) = Protobuf.Key(node, ref pos);
            switch (field, wire)
            {
                case (1, 0):
                    id = Protobuf.ZigZag(Protobuf.Varint(node, ref pos));
                    break;
                case (8, 0):
                    lat = Protobuf.ZigZag(Protobuf.Varint(node, ref pos));
                    break;
                case (9, 0):
                    lon = Protobuf.ZigZag(Protobuf.Varint(node, ref pos));
                    break;
                default:
                    Protobuf.Skip(node, ref pos, wire);
                    break;
            }
        }
        visit(id, Lon(lon), Lat(lat));
    }

    /// <summary>
    /// Calls <paramref name="visit"/> for every way whose keys include <paramref name="requiredKey"/> (a string index; the others are
    /// skipped after reading their keys), with the way's id, keys, values and node ids (buffers reused for the next way).
    /// </summary>
    public int ForEachWayWithKey(int requiredKey, Action<long, List<uint>, List<uint>, List<long>> visit)
    {
        var count = 0;
        var data = _data.AsSpan(0, _length);
        foreach (var (start, length) in _groups)
        {
            var g = data.Slice(start, length);
            var pos = 0;
            while (pos < g.Length)
            {
                var (field, wire) = Protobuf.Key(g, ref pos);
                if (wire == 2 && field == 3)
                {
                    VisitWay(Protobuf.Bytes(g, ref pos), requiredKey, visit);
                    count++;
                }
                else
                {
                    Protobuf.Skip(g, ref pos, wire);
                }
            }
        }
        return count;
    }

    private void VisitWay(ReadOnlySpan<byte> way, int requiredKey, Action<long, List<uint>, List<uint>, List<long>> visit)
    {
        long id = 0;
        ReadOnlySpan<byte> refs = default;
        _keys.Clear();
        _vals.Clear();
        _refs.Clear();
        var pos = 0;
        while (pos < way.Length)
        {
            var (field, wire) = Protobuf.Key(way, ref pos);
            switch (field, wire)
            {
                case (1, 0):
                    id = (long)Protobuf.Varint(way, ref pos);
                    break;
                case (2, 2):
                    Protobuf.PackedUInt32(Protobuf.Bytes(way, ref pos), _keys);
                    break;
                case (2, 0):
                    _keys.Add((uint)Protobuf.Varint(way, ref pos));
                    break;
                case (3, 2):
                    Protobuf.PackedUInt32(Protobuf.Bytes(way, ref pos), _vals);
                    break;
                case (3, 0):
                    _vals.Add((uint)Protobuf.Varint(way, ref pos));
                    break;
                case (8, 2):
                    refs = Protobuf.Bytes(way, ref pos);
                    break;
                case (8, 0):
                    _refs.Add(Protobuf.ZigZag(Protobuf.Varint(way, ref pos)));
                    break;
                default:
                    Protobuf.Skip(way, ref pos, wire);
                    break;
            }
        }
        if (requiredKey < 0 || !_keys.Contains((uint)requiredKey) || _keys.Count != _vals.Count)
        {
            return;
        }
        var p = 0;
        while (p < refs.Length)
        {
            _refs.Add(Protobuf.ZigZag(Protobuf.Varint(refs, ref p)));
        }
        // Node references are delta coded.
        for (var i = 1; i < _refs.Count; i++)
        {
            _refs[i] += _refs[i - 1];
        }
        visit(id, _keys, _vals, _refs);
    }
}

/// <summary>The few protobuf wire-format reads PBF needs.</summary>
internal static class Protobuf
{
    public static ulong Varint(ReadOnlySpan<byte> data, scoped ref int pos)
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = data[pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }
        throw new InvalidDataException("varint too long");
    }

    public static long ZigZag(ulong v) => (long)(v >> 1) ^ -(long)(v & 1);

    public static (int Field, int Wire) Key(ReadOnlySpan<byte> data, scoped ref int pos)
    {
        var key = Varint(data, ref pos);
        return ((int)(key >> 3), (int)(key & 7));
    }

    public static int Length(ReadOnlySpan<byte> data, scoped ref int pos)
    {
        var length = Varint(data, ref pos);
        if (length > (ulong)(data.Length - pos))
        {
            throw new InvalidDataException("length beyond the message");
        }
        return (int)length;
    }

    public static ReadOnlySpan<byte> Bytes(ReadOnlySpan<byte> data, scoped ref int pos)
    {
        var length = Length(data, ref pos);
        var bytes = data.Slice(pos, length);
        pos += length;
        return bytes;
    }

    public static void PackedUInt32(ReadOnlySpan<byte> packed, List<uint> into)
    {
        var pos = 0;
        while (pos < packed.Length)
        {
            into.Add((uint)Varint(packed, ref pos));
        }
    }

    public static void Skip(ReadOnlySpan<byte> data, ref int pos, int wire)
    {
        switch (wire)
        {
            case 0:
                Varint(data, ref pos);
                break;
            case 1:
                pos += 8;
                break;
            case 2:
                var length = Length(data, ref pos);
                pos += length;
                break;
            case 5:
                pos += 4;
                break;
            default:
                throw new InvalidDataException($"wire type {wire}");
        }
        if (pos > data.Length)
        {
            throw new InvalidDataException("field beyond the message");
        }
    }
}
