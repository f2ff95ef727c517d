namespace FukushiMap.Data.Import;

/// <summary>Progress of a long step: what is being done and how far it has got.</summary>
/// <param name="Step">Step number, 1-based (0 when the work is not counted in steps).</param>
/// <param name="Steps">Number of steps (0 when unknown).</param>
/// <param name="Message">What is being done, in Japanese, for the person at the terminal.</param>
public sealed record ImportProgress(int Step, int Steps, string Message);
