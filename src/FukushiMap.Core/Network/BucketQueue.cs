using System.Runtime.CompilerServices;

namespace FukushiMap.Core.Network;

/// <summary>
/// A monotone priority queue for a search bounded by a known cost (Dial's buckets over float keys, exact): keys from 0 to
/// the bound are cut into buckets of equal width (<see cref="FinestWidthMetres"/>, coarser for long bounds so there are at
/// most <see cref="MaxBuckets"/>), and a push only links the entry into its bucket. The buckets are taken in turn; the one
/// being taken is sorted by exact key, and among equal keys by push order (what <see cref="RadixHeap"/> promises too), so
/// the order of pops is exactly a heap's. A push into the bucket being taken (an arc shorter than a bucket) is inserted
/// into its sorted place. Against the radix heap, an entry is written once and sorted once among the few others of its
/// bucket instead of moving down through up to 32 buckets: on 宇部市, where float keys are nearly all distinct, the radix
/// heap's refills were over a third of a bounded search.
/// <para>
/// Layout: every entry of a run goes into one flat array in push order, each linking to the entry pushed before it into the
/// same bucket, and a bucket is its number of entries beside the index of its last one (a singly linked list threaded through
/// the flat array). A push writes the end of that array and one bucket; against an array per bucket (thousands of small
/// arrays for a 1200 m bound, most of them holding one to three entries), the memory a run touches is a fraction and is
/// written in order. Knowing its count, a bucket is gathered straight into key order in one pass.
/// </para>
/// <para>
/// <see cref="MultiSourceDijkstra"/> runs its bounded searches on these arrays directly, with the steps below
/// (<see cref="Link"/>, <see cref="Gather"/>, <see cref="InsertSorted"/>) inlined into its loop;
/// <see cref="Push"/> and <see cref="Pop"/> are the same steps for a caller outside it. Capacity rule the loop relies on:
/// every push, linked or inserted, takes one place of <see cref="Entries"/>, and <see cref="Current"/> is never shorter than
/// <see cref="Entries"/>, so a bucket (or the bucket being taken with its inserts) always fits.
/// </para>
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

    /// <summary>Buckets up to this size are sorted by insertion (stable by itself) where they are gathered; larger ones by <see cref="SortLarge"/>.</summary>
    public const int InsertionSortLimit = 32;

    /// <summary>An entry of the flat array: key, node, and 1 + the index of the entry linked before it into the same bucket (0: none).</summary>
    internal struct Entry
    {
        public uint KeyBits;
        public int Node;
        public int Previous;
    }

    /// <summary>Buckets per metre of key (see <see cref="BucketOf"/>).</summary>
    internal float BucketsPerMetre;

    /// <summary>Buckets of the bound (the last holds the bound itself).</summary>
    internal int BucketCount;

    /// <summary>
    /// Per bucket: its number of entries &lt;&lt; 32 | 1 + the index of the entry linked last into it (0: empty). Cleared for the
    /// bound's buckets at each run.
    /// </summary>
    internal ulong[] Heads = new ulong[64];

    /// <summary>Every entry of the run, in push order; <see cref="EntryCount"/> places taken.</summary>
    internal Entry[] Entries = new Entry[256];

    internal int EntryCount;

    /// <summary>The bucket being taken, sorted: <see cref="Position"/> .. <see cref="CurrentCount"/> - 1 are still to pop.</summary>
    internal ulong[] Current = new ulong[256];

    internal int Position, CurrentCount;

    /// <summary>The bucket being taken (-1 before the first pop).</summary>
    internal int Bucket;

    private ulong[] _sortKeys = [];
    private int[] _sortNodes = [];

    /// <summary>Entries pushed and not yet popped through <see cref="Push"/> and <see cref="Pop"/> (a search's loop does not count).</summary>
    public int Count { get; private set; }

    /// <summary>True when a search bounded by <paramref name="maxMetres"/> can use this queue.</summary>
    public static bool Takes(float maxMetres) => maxMetres >= 0 && maxMetres <= MaxBoundMetres;

    /// <summary>Empties the queue for keys from 0 to <paramref name="maxMetres"/> (which <see cref="Takes"/> must accept).</summary>
    public void Clear(float maxMetres)
    {
        // In float, like every key's bucket: the product by a positive constant, then truncation, are both monotone, so no
        // key up to the bound falls beyond the bound's bucket, and a later pop never comes from an earlier bucket.
        BucketsPerMetre = (float)Math.Min(1 / FinestWidthMetres, (MaxBuckets - 1) / Math.Max(maxMetres, 1.0));
        BucketCount = BucketOf(maxMetres, BucketsPerMetre) + 1;
        // One spare bucket past the bound's, never taken: a search writes there what it does not keep.
        if (Heads.Length < BucketCount + 1) Heads = new ulong[Math.Max(BucketCount + 1, Heads.Length * 2)];
        else Array.Clear(Heads, 0, BucketCount + 1);
        EntryCount = 0;
        Position = CurrentCount = 0;
        Bucket = -1;
        Count = 0;
    }

    /// <summary>The bucket of a key from 0 to the bound.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int BucketOf(float key, float bucketsPerMetre) => (int)(key * bucketsPerMetre);

    /// <summary>Makes room for <paramref name="pushes"/> more entries (keeping <see cref="Current"/> at least as long).</summary>
    public void Reserve(int pushes)
    {
        if (Entries.Length - EntryCount >= pushes) return;
        int size = Math.Max(EntryCount + pushes, Entries.Length * 2);
        Array.Resize(ref Entries, size);
        if (Current.Length < size) Array.Resize(ref Current, size);
    }

    /// <summary>Adds <paramref name="node"/> with <paramref name="key"/> between the last key popped and the bound.</summary>
    public void Push(float key, int node)
    {
        Reserve(1);
        int b = BucketOf(key, BucketsPerMetre);
        if (b > Bucket) Link(Entries, Heads, EntryCount, b, key, node);
        else CurrentCount = InsertSorted(Current, Position, CurrentCount, key, node);
        EntryCount++;
        Count++;
    }

    /// <summary>Removes an entry with the smallest key (the earliest pushed among equal keys); the queue must not be empty.</summary>
    public void Pop(out float key, out int node)
    {
        if (Position == CurrentCount)
        {
            int b = Bucket + 1;
            while (b < BucketCount && Heads[b] == 0) b++;
            if (b == BucketCount) throw new InvalidOperationException("The queue is empty.");
            Bucket = b;
            Position = 0;
            CurrentCount = Gather(Heads, Entries, Current, b, out bool sorted);
            if (!sorted) SortLarge(CurrentCount);
        }
        ulong entry = Current[Position++];
        key = KeyOf(entry);
        node = NodeOf(entry);
        Count--;
    }

    /// <summary>The node <paramref name="ahead"/> places behind the next one to pop, when already sorted into place; else -1.</summary>
    public int PeekAhead(int ahead)
    {
        int i = Position + ahead;
        return i < CurrentCount ? NodeOf(Current[i]) : -1;
    }

    /// <summary>Writes entry <paramref name="index"/> (a free place) and links it into bucket <paramref name="bucket"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Link(Entry[] entries, ulong[] heads, int index, int bucket, float key, int node)
    {
        ref var e = ref entries[index];
        ref ulong head = ref heads[bucket];
        ulong h = head;
        e.KeyBits = BitConverter.SingleToUInt32Bits(key);
        e.Node = node;
        e.Previous = (int)(uint)h;
        head = ((h >> 32) + 1) << 32 | (uint)(index + 1);
    }

    /// <summary>
    /// Copies bucket <paramref name="bucket"/>'s entries into <paramref name="current"/> (which the capacity rule keeps long
    /// enough) as (key bits &lt;&lt; 32 | node), sorted by key and among equal keys in push order, and returns how many.
    /// A bucket of more than <see cref="InsertionSortLimit"/> entries comes in push order, <paramref name="sorted"/> false
    /// when its keys are not in order already (then <see cref="SortLarge"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Gather(ulong[] heads, Entry[] entries, ulong[] current, int bucket, out bool sorted)
    {
        ulong h = heads[bucket];
        int n = (int)(h >> 32);
        int i = (int)(uint)h - 1;
        // The list runs from the last pushed to the first, so each entry met is pushed before all placed so far: it goes
        // in front of them, then right past those with smaller keys (stable: an equal key stays behind it). One pass, and
        // none of the moves when the keys come in order.
        sorted = true;
        if (n <= InsertionSortLimit)
        {
            for (int start = n - 1; start >= 0; start--)
            {
                ref var e = ref entries[i];
                uint key = e.KeyBits;
                ulong entry = (ulong)key << 32 | (uint)e.Node;
                int j = start;
                while (j + 1 < n && (uint)(current[j + 1] >> 32) < key)
                {
                    current[j] = current[j + 1];
                    j++;
                }
                current[j] = entry;
                i = e.Previous - 1;
            }
            return n;
        }
        for (int k = n - 1; k >= 0; k--)
        {
            ref var e = ref entries[i];
            current[k] = (ulong)e.KeyBits << 32 | (uint)e.Node;
            i = e.Previous - 1;
        }
        for (int k = 1; k < n; k++)
        {
            if (current[k - 1] >> 32 > current[k] >> 32)
            {
                sorted = false;
                break;
            }
        }
        return n;
    }

    /// <summary>Sorts <see cref="Current"/>[0 .. <paramref name="n"/>) by key, keeping push order among equal keys (a large bucket).</summary>
    public void SortLarge(int n)
    {
        // By key, then position (unique, so the unstable sort keeps push order among equal keys).
        if (_sortKeys.Length < n)
        {
            _sortKeys = new ulong[Math.Max(n, _sortKeys.Length * 2)];
            _sortNodes = new int[_sortKeys.Length];
        }
        var list = Current;
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

    /// <summary>
    /// A key in the bucket being taken: into its sorted place among the entries still to pop (from <paramref name="position"/>),
    /// after equal keys (it is the latest pushed). Returns the new count (the capacity rule leaves room).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int InsertSorted(ulong[] current, int position, int count, float key, int node)
    {
        ulong entry = (ulong)BitConverter.SingleToUInt32Bits(key) << 32 | (uint)node;
        int i = count;
        while (i > position && current[i - 1] >> 32 > entry >> 32)
        {
            current[i] = current[i - 1];
            i--;
        }
        current[i] = entry;
        return count + 1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float KeyOf(ulong entry) => BitConverter.UInt32BitsToSingle((uint)(entry >> 32));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int NodeOf(ulong entry) => (int)(uint)entry;
}
