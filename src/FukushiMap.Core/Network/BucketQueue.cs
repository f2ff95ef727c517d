using System.Runtime.CompilerServices;

namespace FukushiMap.Core.Network;

/// <summary>
/// What <see cref="MultiSourceDijkstra"/> needs of its priority queue: a monotone queue of nodes keyed by non-negative floats
/// (every key pushed is at least the last key popped) that pops in order of key and, among equal keys, in the order pushed.
/// Implemented by structs so the search loop is compiled once per queue with the calls inlined.
/// </summary>
internal interface IMonotoneQueue
{
    int Count { get; }

    void Push(float key, int node);

    void Pop(out float key, out int node);

    /// <summary>The node <paramref name="ahead"/> places behind the next one to pop when that is already known, else -1.</summary>
    int PeekAhead(int ahead);
}

/// <summary>
/// A monotone priority queue for a search bounded by a known cost (Dial's buckets over float keys, exact): keys from 0 to
/// the bound are cut into buckets of equal width (<see cref="FinestWidthMetres"/>, coarser for long bounds so there are at
/// most <see cref="MaxBuckets"/>), and a push only links the entry into its bucket. The buckets are taken in turn; the one
/// being taken is sorted by exact key, and among equal keys by push order (what <see cref="RadixHeap"/> promises too), so
/// the order of pops is exactly a heap's. A push into the bucket being taken (an arc shorter than a bucket) is inserted
/// into its sorted place. Against the radix heap, an entry is written once and sorted once among the few others of its
/// bucket instead of moving down through up to 32 buckets: on 宇部市, where float keys are nearly all distinct, the radix
/// heap's refills were over a third of a bounded search.
/// A node may be pushed more than once (lazy deletion: the caller skips stale entries). Pooled: reuse for further runs.
/// </summary>
internal sealed class BucketQueue
{
    /// <summary>Bucket width for bounds up to <see cref="MaxBuckets"/> × this, metres.</summary>
    public const double FinestWidthMetres = 0.25;

    /// <summary>Most buckets a bound gets; a longer bound gets wider buckets.</summary>
    public const int MaxBuckets = 1 << 16;

    /// <summary>Longest bound this queue takes (metres); beyond it (or for an unbounded search) the radix heap is used.</summary>
    public const double MaxBoundMetres = 200_000;

    // Buckets up to this size are sorted by insertion (stable by itself); larger ones by number.
    private const int InsertionSortLimit = 32;

    private double _bucketsPerMetre;
    private int _bucketCount;
    // Each bucket's entries (key bits << 32 | node) in push order; arrays kept from run to run.
    private ulong[]?[] _lists = new ulong[]?[64];
    private int[] _counts = new int[64];
    private int _bucket;                      // the bucket being taken (-1 before the first pop)
    // The bucket being taken, sorted: positions _position .. _currentCount - 1 are still to pop.
    private ulong[] _current = [];
    private int _position, _currentCount;
    private ulong[] _sortKeys = [];
    private int[] _sortNodes = [];

    public int Count { get; private set; }

    /// <summary>True when a search bounded by <paramref name="maxMetres"/> can use this queue.</summary>
    public static bool Takes(float maxMetres) => maxMetres >= 0 && maxMetres <= MaxBoundMetres;

    /// <summary>Empties the queue for keys from 0 to <paramref name="maxMetres"/> (which <see cref="Takes"/> must accept).</summary>
    public void Clear(float maxMetres)
    {
        _bucketsPerMetre = Math.Min(1 / FinestWidthMetres, (MaxBuckets - 1) / Math.Max(maxMetres, 1.0));
        _bucketCount = BucketOf(maxMetres) + 1;
        if (_counts.Length < _bucketCount)
        {
            int size = Math.Max(_bucketCount, _counts.Length * 2);
            Array.Resize(ref _lists, size);
            _counts = new int[size];
        }
        else
        {
            Array.Clear(_counts, 0, _bucketCount);
        }
        _bucket = -1;
        _current = [];
        _position = _currentCount = 0;
        Count = 0;
    }

    // Monotone in the key (a product by a positive constant, truncated), so a later pop never comes from an earlier bucket.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int BucketOf(float key) => (int)(key * _bucketsPerMetre);

    /// <summary>Adds <paramref name="node"/> with <paramref name="key"/> between the last key popped and the bound.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(float key, int node)
    {
        ulong entry = (ulong)BitConverter.SingleToUInt32Bits(key) << 32 | (uint)node;
        Count++;
        int b = BucketOf(key);
        if (b > _bucket)
        {
            var list = _lists[b];
            int n = _counts[b];
            if (list is null || n == list.Length) list = GrowList(b);
            list[n] = entry;
            _counts[b] = n + 1;
        }
        else
        {
            InsertCurrent(entry);
        }
    }

    /// <summary>Removes an entry with the smallest key (the earliest pushed among equal keys).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Pop(out float key, out int node)
    {
        if (_position == _currentCount) TakeNextBucket();
        ulong entry = _current[_position++];
        Count--;
        key = BitConverter.UInt32BitsToSingle((uint)(entry >> 32));
        node = (int)(uint)entry;
    }

    /// <summary>The node <paramref name="ahead"/> places behind the next one to pop, when already sorted into place; else -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int PeekAhead(int ahead)
    {
        int i = _position + ahead;
        return i < _currentCount ? (int)(uint)_current[i] : -1;
    }

    private ulong[] GrowList(int b)
    {
        var list = _lists[b];
        Array.Resize(ref list, list is null ? 8 : list.Length * 2);
        return _lists[b] = list;
    }

    // The bucket being taken is used up: move to the next non-empty one (Count > 0, so there is one) and sort it by key,
    // keeping push order among equal keys.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void TakeNextBucket()
    {
        var counts = _counts;
        if (_bucket >= 0) counts[_bucket] = 0;
        int b = _bucket + 1;
        while (counts[b] == 0) b++;
        _bucket = b;
        var list = _lists[b]!;
        int n = counts[b];
        _current = list;
        _position = 0;
        _currentCount = n;
        // Often in order already (a grid's bucket holds one key): then nothing to do.
        int i = 1;
        while (i < n && list[i - 1] >> 32 <= list[i] >> 32) i++;
        if (i == n) return;
        if (n <= InsertionSortLimit)
        {
            for (; i < n; i++)
            {
                ulong entry = list[i];
                int j = i;
                while (j > 0 && list[j - 1] >> 32 > entry >> 32)
                {
                    list[j] = list[j - 1];
                    j--;
                }
                list[j] = entry;
            }
            return;
        }
        // Larger: sort by key, then position (unique, so the unstable sort keeps push order among equal keys).
        if (_sortKeys.Length < n)
        {
            _sortKeys = new ulong[Math.Max(n, _sortKeys.Length * 2)];
            _sortNodes = new int[_sortKeys.Length];
        }
        var keys = _sortKeys.AsSpan(0, n);
        var nodes = _sortNodes.AsSpan(0, n);
        for (int k = 0; k < n; k++)
        {
            keys[k] = (list[k] >> 32) << 32 | (uint)k;
            nodes[k] = (int)(uint)list[k];
        }
        keys.Sort();
        for (int k = 0; k < n; k++) list[k] = (keys[k] >> 32) << 32 | (uint)nodes[(int)(uint)keys[k]];
    }

    // A key in the bucket being taken: into its sorted place among the entries still to pop, after equal keys (it is the
    // latest pushed).
    private void InsertCurrent(ulong entry)
    {
        if (_currentCount == _current.Length)
        {
            var grown = _current;
            Array.Resize(ref grown, Math.Max(8, grown.Length * 2));
            _current = grown;
            if (_bucket >= 0) _lists[_bucket] = grown;
        }
        var current = _current;
        int i = _currentCount;
        while (i > _position && current[i - 1] >> 32 > entry >> 32)
        {
            current[i] = current[i - 1];
            i--;
        }
        current[i] = entry;
        _currentCount++;
        if (_bucket >= 0) _counts[_bucket] = _currentCount;
    }
}

/// <summary><see cref="BucketQueue"/> as an <see cref="IMonotoneQueue"/> (a struct, so the search loop inlines its calls).</summary>
internal readonly struct BucketQueueView(BucketQueue queue) : IMonotoneQueue
{
    public int Count => queue.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(float key, int node) => queue.Push(key, node);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Pop(out float key, out int node) => queue.Pop(out key, out node);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int PeekAhead(int ahead) => queue.PeekAhead(ahead);
}

/// <summary><see cref="RadixHeap"/> as an <see cref="IMonotoneQueue"/>.</summary>
internal readonly struct RadixHeapView(RadixHeap heap) : IMonotoneQueue
{
    public int Count => heap.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(float key, int node) => heap.Push(key, node);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Pop(out float key, out int node) => heap.Pop(out key, out node);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int PeekAhead(int ahead) => heap.PeekAhead(ahead);
}
