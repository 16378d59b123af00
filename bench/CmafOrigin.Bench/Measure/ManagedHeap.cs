using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace CmafOrigin.Bench.Measure;

/// <summary>
/// A service's managed heap after a forced full GC, through the runtime's diagnostics port (as dotnet-gcdump does): an
/// EventPipe session with the <c>GCHeapCollect</c> keyword makes the runtime collect at once, and the session's
/// <c>GCHeapStats</c> event of that collection says what survived. Nothing is added to the services for it.
/// </summary>
/// <remarks>
/// Two figures: the generations' sizes, which include the free space between objects (the large object heap is not
/// compacted, so a process that allocates many arrays over 85 KB carries holes that come and go), and the bytes that
/// survived the collection, which are the live objects alone (what <c>dotnet-gcdump</c> counts).
/// </remarks>
internal static class ManagedHeap
{
    private const long Keywords = (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.GCHeapCollect);

    /// <summary>The heap after a full GC (all generations, large and pinned object heaps), or null when it could not be read.</summary>
    public static async Task<HeapAfterGc?> AfterFullGcAsync(int pid, CancellationToken cancellationToken)
    {
        try
        {
            var client = new DiagnosticsClient(pid);
            using var session = await client.StartEventPipeSessionAsync(
                [new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, Keywords)],
                requestRundown: false,
                circularBufferMB: 16,
                cancellationToken);
            var heap = new TaskCompletionSource<HeapAfterGc>(TaskCreationOptions.RunContinuationsAsynchronously);
            var reading = Task.Run(() => Read(session.EventStream, heap), cancellationToken);
            try
            {
                return await heap.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            }
            finally
            {
                await session.StopAsync(CancellationToken.None);
                await reading.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is ServerNotAvailableException or EndOfStreamException or IOException or TimeoutException or UnsupportedCommandException)
        {
            Console.WriteLine($"  (heap of {pid} not read: {ex.Message})");
            return null;
        }
    }

    private static void Read(Stream events, TaskCompletionSource<HeapAfterGc> heap)
    {
        using var source = new EventPipeEventSource(events);
        var full = false;
        // The first blocking gen2 collection of the session is the one it asked for (or a natural one just as full).
        source.Clr.GCStart += e => full |= e.Depth == 2 && e.Type != GCType.BackgroundGC;
        source.Clr.GCHeapStats += e =>
        {
            if (full)
            {
                // In a full GC, "promoted" from gen0 and gen1 and "promoted" (survived) in gen2, LOH and POH add up to every live byte.
                heap.TrySetResult(new HeapAfterGc(
                    e.GenerationSize0 + e.GenerationSize1 + e.GenerationSize2 + e.GenerationSize3 + e.GenerationSize4,
                    e.TotalPromotedSize0 + e.TotalPromotedSize1 + e.TotalPromotedSize2 + e.TotalPromotedSize3 + e.TotalPromotedSize4));
                source.StopProcessing();
            }
        };
        try
        {
            source.Process();
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or ObjectDisposedException)
        {
            // The session was stopped under the reader.
        }

        heap.TrySetException(new EndOfStreamException("the session ended before a full GC was seen"));
    }
}
