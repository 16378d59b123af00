namespace CmafOrigin.Bench.Scenarios;

/// <summary>
/// What a service's RSS is made of (/proc status): anonymous memory (the GC's heap and native allocations), mapped files
/// (the assemblies), and shared memory, which for .NET is the JIT's code (double-mapped for W^X).
/// </summary>
internal sealed record RssParts(double AnonMb, double FileMb, double ShmemMb);
