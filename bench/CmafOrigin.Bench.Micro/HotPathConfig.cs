using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace CmafOrigin.Bench.Micro;

/// <summary>
/// A fixed number of operations per iteration (each iteration gets a fresh upload, so a stream never grows without bound),
/// in process (a generated project would inherit the repository's warnings-as-errors build), allocations measured.
/// </summary>
internal sealed class HotPathConfig : ManualConfig
{
    public const int OperationsPerIteration = 256;

    public HotPathConfig()
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(15)
            .WithInvocationCount(OperationsPerIteration)
            .WithUnrollFactor(1));
        AddDiagnoser(MemoryDiagnoser.Default);
    }
}
