using System.Globalization;
using System.Security.Cryptography;
using CmafOrigin.Bench.Micro.Harness;
using Xunit.Sdk;

namespace CmafOrigin.Bench.Tests;

/// <summary>The hot paths run alone: allocations are counted process-wide, so nothing else may allocate meanwhile.</summary>
[CollectionDefinition(nameof(AllocationBudgets), DisableParallelization = true)]
public sealed class AllocationBudgets
{
}

/// <summary>
/// Fails when a hot path allocates more per operation than its budget (the micro-benchmarks' numbers, with headroom;
/// see docs/benchmarks.md). Counted with <see cref="GC.GetTotalAllocatedBytes(bool)"/> around N operations, not timed:
/// the operations are async, their continuations run on Redis' and the thread pool's threads, so a per-thread counter
/// would miss most of what they allocate.
/// </summary>
[Collection(nameof(AllocationBudgets))]
public sealed class AllocationBudgetTests : IAsyncLifetime
{
    private const int PieceBytes = 32 * 1024;
    private const int Operations = 500;

    /// <summary>Publishing one 32 KiB piece: the script's arguments and Redis' reply, no copy of the piece.</summary>
    private const double PublishBudgetBytes = 2_048;

    /// <summary>
    /// Fanning one 32 KiB piece out to 100 viewers: the one copy read from Redis (32 KiB, shared by all viewers) plus
    /// what each viewer's wait and write cost.
    /// </summary>
    private const double FanOut100BudgetBytes = PieceBytes + 8_192 + (100 * 256);

    private readonly byte[] _piece = RandomNumberGenerator.GetBytes(PieceBytes);
    private HotPaths _paths = null!;

    public async ValueTask InitializeAsync() => _paths = await HotPaths.StartAsync();

    public async ValueTask DisposeAsync() => await _paths.DisposeAsync();

    [Fact]
    public async Task PublishPiece_StaysWithinItsAllocationBudget()
    {
        var upload = await _paths.BeginAsync(Path("publish"));

        var perOperation = await AllocatedPerOperationAsync(() => _paths.AppendAsync(upload, _piece));

        await _paths.Store.CompleteAsync(upload);
        AssertWithin(perOperation, PublishBudgetBytes, "publishing a 32 KiB piece");
    }

    [Fact]
    public async Task FanOutPiece_To100Viewers_StaysWithinItsAllocationBudget()
    {
        const int viewers = 100;
        var path = Path("fanout");
        var upload = await _paths.BeginAsync(path);
        var probe = new FanOutProbe();
        var following = Enumerable.Range(0, viewers).Select(_ => DiscardingViewer.Start(_paths.Responder, probe, path)).ToList();
        try
        {
            var perOperation = await AllocatedPerOperationAsync(async () =>
            {
                var delivered = probe.Expect((long)viewers * PieceBytes);
                await _paths.AppendAsync(upload, _piece);
                await delivered.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
            });

            AssertWithin(perOperation, FanOut100BudgetBytes, "publishing a 32 KiB piece and fanning it out to 100 viewers");
        }
        finally
        {
            await _paths.Store.CompleteAsync(upload);
            await Task.WhenAll(following.Select(v => v.Response)).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
            following.ForEach(v => v.Dispose());
        }
    }

    private static async Task<double> AllocatedPerOperationAsync(Func<Task> operation)
    {
        // Warm up: JIT, tiering, connection and pool growth are not per-operation costs.
        for (var i = 0; i < 100; i++)
        {
            await operation();
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < Operations; i++)
        {
            await operation();
        }

        return (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)Operations;
    }

    private static void AssertWithin(double perOperation, double budget, string what)
    {
        TestContext.Current.SendDiagnosticMessage(string.Create(CultureInfo.InvariantCulture, $"{what}: {perOperation:0} B/op (budget {budget:0})"));
        if (perOperation > budget)
        {
            throw new XunitException(string.Create(CultureInfo.InvariantCulture,
                $"{what} allocated {perOperation:0} bytes per operation; the budget is {budget:0}. See docs/benchmarks.md (allocation budgets)."));
        }
    }

    private static string Path(string what) =>
        $"/live/budget/{what}-{Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture)[..8]}.m4s";
}
