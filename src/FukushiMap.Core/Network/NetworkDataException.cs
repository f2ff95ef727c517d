namespace FukushiMap.Core.Network;

/// <summary>
/// Thrown when walking-network input is unusable: an edge refers to an undeclared node,
/// a length or coordinate is negative or not finite, or an edge can be walked in neither direction.
/// The message names the offending edge (by its position in input order and its node ids) or node.
/// </summary>
public sealed class NetworkDataException : Exception
{
    /// <summary>Creates the exception with a message naming the offending edge or node.</summary>
    public NetworkDataException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and an inner cause.</summary>
    public NetworkDataException(string message, Exception innerException) : base(message, innerException) { }
}
