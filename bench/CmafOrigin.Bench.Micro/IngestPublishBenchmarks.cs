using System.Globalization;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using CmafOrigin.Bench.Micro.Harness;
using CmafOrigin.Ingest.Storage;

namespace CmafOrigin.Bench.Micro;

/// <summary>
/// Ingest's hot path: one piece of an upload published on Redis (<see cref="ObjectStore.AppendAsync"/>: the Append
/// script = XADD + meta update + expiries + PUBLISH, one round trip), against a real redis-server on loopback.
/// </summary>
[Config(typeof(HotPathConfig))]
[MemoryDiagnoser]
public class IngestPublishBenchmarks
{
    private HotPaths _paths = null!;
    private UploadingVersion _upload = null!;
    private byte[] _piece = null!;
    private int _uploads;

    /// <summary>ffmpeg sends a CMAF chunk as HTTP chunks of at most 32 KiB (its I/O buffer); Ingest publishes what each read returns.</summary>
    [Params(32 * 1024)]
    public int PieceBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _paths = HotPaths.StartAsync().GetAwaiter().GetResult();
        _piece = RandomNumberGenerator.GetBytes(PieceBytes);
    }

    [IterationSetup]
    public void BeginUpload() =>
        _upload = _paths.BeginAsync($"/live/micro/publish-{(_uploads++).ToString(CultureInfo.InvariantCulture)}.m4s").GetAwaiter().GetResult();

    [IterationCleanup]
    public void EndUpload()
    {
        _paths.Store.CompleteAsync(_upload).GetAwaiter().GetResult();
        _paths.Store.DeleteAsync(_upload.Path).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _paths.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Description = "publish one piece")]
    public Task<bool> PublishPiece() => _paths.AppendAsync(_upload, _piece);
}
