using System.Globalization;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using CmafOrigin.Bench.Micro.Harness;
using CmafOrigin.Ingest.Storage;

namespace CmafOrigin.Bench.Micro;

/// <summary>
/// Delivery's hot path: a piece published by Ingest reaches every viewer of the object. One operation = publish a piece
/// (as Ingest does), then wait until Delivery's shared feed has read it once from Redis (woken by the event) and the real
/// <c>ObjectResponder</c> loop of each of <see cref="Viewers"/> viewers has written and flushed it.
/// The cost per viewer is the slope between the Viewers rows; Viewers = 1 is mostly the publish and the Redis read.
/// </summary>
[Config(typeof(HotPathConfig))]
[MemoryDiagnoser]
public class FanOutBenchmarks
{
    private readonly FanOutProbe _probe = new();
    private HotPaths _paths = null!;
    private UploadingVersion _upload = null!;
    private List<DiscardingViewer> _viewers = [];
    private byte[] _piece = null!;
    private int _uploads;

    [Params(1, 100, 1000)]
    public int Viewers { get; set; }

    [Params(32 * 1024)]
    public int PieceBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _paths = HotPaths.StartAsync().GetAwaiter().GetResult();
        _piece = RandomNumberGenerator.GetBytes(PieceBytes);
    }

    /// <summary>A new upload with <see cref="Viewers"/> viewers following it, each past its first piece.</summary>
    [IterationSetup]
    public void StartViewers() => StartViewersAsync().GetAwaiter().GetResult();

    [IterationCleanup]
    public void StopViewers() => StopViewersAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => _paths.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Description = "publish a piece and fan it out")]
    public async Task PublishAndFanOut()
    {
        var delivered = _probe.Expect((long)Viewers * PieceBytes);
        await _paths.AppendAsync(_upload, _piece);
        await delivered;
    }

    private async Task StartViewersAsync()
    {
        var path = $"/live/micro/fanout-{(_uploads++).ToString(CultureInfo.InvariantCulture)}.m4s";
        _upload = await _paths.BeginAsync(path);
        var responder = _paths.Responder;
        _viewers = [.. Enumerable.Range(0, Viewers).Select(_ => DiscardingViewer.Start(responder, _probe, path))];
        // Every viewer attached and past its first piece: the operations measure steady state only.
        var primed = _probe.Expect((long)Viewers * PieceBytes);
        await _paths.AppendAsync(_upload, _piece);
        await primed.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private async Task StopViewersAsync()
    {
        await _paths.Store.CompleteAsync(_upload);
        await Task.WhenAll(_viewers.Select(v => v.Response)).WaitAsync(TimeSpan.FromSeconds(30));
        foreach (var viewer in _viewers)
        {
            viewer.Dispose();
        }

        await _paths.Store.DeleteAsync(_upload.Path);
    }
}
