using FukushiMap.Core.Network;

namespace FukushiMap.Core.Tests.Network;

public class BucketQueueTests
{
    [Theory]
    [InlineData(1200f, 1)]
    [InlineData(1200f, 2)]
    [InlineData(150_000f, 3)]
    public void PopsInOrderOfKeyThenPushLikeTheRadixHeap(float bound, int seed)
    {
        // Situation: a Dijkstra-like run: each pop pushes a few keys at or above it (many equal keys, some zero steps, some
        // steps shorter than a bucket), up to the bound.
        var buckets = new BucketQueue();
        var radix = new RadixHeap();
        buckets.Clear(bound);
        radix.Clear();
        var random = new Random(seed);
        var node = 0;
        buckets.Push(0, node);
        radix.Push(0, node);
        node++;
        var pops = 0;
        while (radix.Count > 0)
        {
            Assert.Equal(radix.Count, buckets.Count);
            radix.Pop(out var expectedKey, out var expectedNode);
            buckets.Pop(out var key, out var n);
            Assert.Equal((expectedKey, expectedNode), (key, n));
            pops++;
            if (node > 20_000) continue;
            // At least one push per pop, so the run does not die out early.
            for (var k = 1 + random.Next(3); k > 0; k--)
            {
                float step = random.Next(5) switch
                {
                    0 => 0,
                    1 => (float)random.NextDouble() * 0.1f,
                    2 => 50,
                    _ => (float)random.NextDouble() * bound / 40,
                };
                var next = key + step;
                if (!(next <= bound)) continue;
                buckets.Push(next, node);
                radix.Push(next, node);
                node++;
            }
        }
        Assert.Equal(0, buckets.Count);
        Assert.True(pops > 1000);
    }
}
