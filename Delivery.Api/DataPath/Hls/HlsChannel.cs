using CmafOrigin.Contracts.Cmaf;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Storage;

namespace CmafOrigin.Delivery.Hls;

/// <summary>
/// The LL-HLS of one channel in this process: its MPD as HLS sees it and one <see cref="RenditionFollower"/> per
/// representation. Opened by the first playlist request, closed when nobody asked for a while.
/// </summary>
internal sealed class HlsChannel : IAsyncDisposable
{
    private static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(1);

    private readonly HlsChannelContext _context;
    private readonly Dictionary<string, RenditionFollower> _followers;
    private string _manifestVersion;
    private long _lastUsed;
    private long _lastRefresh;
    private int _refreshing;

    private HlsChannel(HlsChannelContext context, ObjectPath manifest, string manifestVersion, HlsPresentation presentation, IReadOnlyList<RenditionFollower> followers)
    {
        _context = context;
        Manifest = manifest;
        _manifestVersion = manifestVersion;
        Presentation = presentation;
        Followers = followers;
        _followers = followers.ToDictionary(f => f.Rendition.Id, StringComparer.Ordinal);
        _lastUsed = _lastRefresh = context.Time.GetTimestamp();
    }

    public ObjectPath Manifest { get; }

    /// <summary>The MPD's name without <c>.mpd</c>: what the playlists and parts are named after.</summary>
    public string BaseName => Manifest.Name[..^Manifest.Extension.Length];

    public HlsPresentation Presentation { get; private set; }

    public HlsChannelView View => new(BaseName, Presentation);

    public IReadOnlyList<RenditionFollower> Followers { get; }

    /// <summary>The encoder restarted with another stream (a new clock anchor or ladder): open the channel afresh.</summary>
    public bool IsStale { get; private set; }

    public TimeSpan Idle => _context.Time.GetElapsedTime(Interlocked.Read(ref _lastUsed));

    public RenditionFollower? Find(string rendition) => _followers.GetValueOrDefault(rendition);

    /// <summary>Why this channel has no HLS now (a rendition with malformed media), or null.</summary>
    public string? Failure => Followers.Select(f => f.Snapshot().Failure).FirstOrDefault(f => f is not null);

    /// <summary>Reads the MPD and every init segment; null with the reason when the channel cannot have LL-HLS.</summary>
    public static async Task<(HlsChannel? Channel, string? Error)> OpenAsync(HlsChannelContext context, ObjectPath manifest)
    {
        var (version, presentation, error) = await ReadManifestAsync(context, manifest);
        if (presentation is null)
        {
            return (null, error);
        }

        var followers = new List<RenditionFollower>();
        foreach (var rendition in presentation.Renditions.Where(r => r.IsVideo || r.IsAudio))
        {
            var initPath = ObjectPath.Parse("/" + (manifest.Channel.Length == 0 ? string.Empty : manifest.Channel + "/") + rendition.InitName);
            var init = await context.Reader.ResolveAsync(initPath) is { Meta.State: ObjectState.Complete } initVersion
                ? await context.Completed.GetAsync(initVersion, string.Empty, static stored => stored)
                : null;
            if (init is null)
            {
                return (null, $"the init segment {rendition.InitName} of rendition {rendition.Id} is not stored");
            }

            var track = CmafTrack.TryParse(init.Bytes, out var initError);
            if (track is null)
            {
                return (null, $"the init segment {rendition.InitName} is not CMAF: {initError}");
            }

            followers.Add(new RenditionFollower(context, manifest, rendition, track, RenditionFollower.WindowFor(presentation, rendition)));
        }

        if (!followers.Any(f => f.Rendition.IsVideo || f.Rendition.IsAudio))
        {
            return (null, "the MPD has no audio or video representation");
        }

        var channel = new HlsChannel(context, manifest, version!, presentation, followers);
        foreach (var follower in followers)
        {
            follower.Start();
        }

        return (channel, null);
    }

    /// <summary>A viewer asked: keeps the channel open, and re-reads the MPD (at most once a second, never holding the viewer).</summary>
    public void Touch()
    {
        var now = _context.Time.GetTimestamp();
        Interlocked.Exchange(ref _lastUsed, now);
        if (_context.Time.GetElapsedTime(Interlocked.Read(ref _lastRefresh)) >= RefreshEvery && Interlocked.Exchange(ref _refreshing, 1) == 0)
        {
            Interlocked.Exchange(ref _lastRefresh, now);
            _ = RefreshAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var follower in Followers)
        {
            await follower.DisposeAsync();
        }
    }

    private async Task RefreshAsync()
    {
        try
        {
            var current = await _context.Reader.ResolveAsync(Manifest);
            if (current is null || current.Version == _manifestVersion || current.Meta.State != ObjectState.Complete)
            {
                return;
            }

            var (version, presentation, _) = await ReadManifestAsync(_context, Manifest);
            if (presentation is null)
            {
                return;
            }

            _manifestVersion = version!;
            IsStale = presentation.AvailabilityStartTime != Presentation.AvailabilityStartTime
                || !presentation.Renditions.Select(r => r.Id).SequenceEqual(Presentation.Renditions.Select(r => r.Id), StringComparer.Ordinal);
            Presentation = presentation;
        }
        catch (Exception ex)
        {
            HlsLog.RefreshFailed(_context.Logger, ex, Manifest.Value);
        }
        finally
        {
            Interlocked.Exchange(ref _refreshing, 0);
        }
    }

    private static async Task<(string? Version, HlsPresentation? Presentation, string? Error)> ReadManifestAsync(HlsChannelContext context, ObjectPath manifest)
    {
        var version = await context.Reader.ResolveAsync(manifest);
        if (version is null)
        {
            return (null, null, "no MPD is stored for this playlist");
        }

        if (version.Meta.State != ObjectState.Complete && version.Meta.Previous is { } previous)
        {
            version = await context.Reader.GetVersionAsync(manifest, previous);
        }

        var body = version is { Meta.State: ObjectState.Complete } ? await context.Completed.GetAsync(version, string.Empty, static stored => stored) : null;
        if (body is null)
        {
            return (null, null, "the MPD is still uploading");
        }

        var presentation = HlsPresentation.TryParse(body.Bytes, out var error);
        return (version!.Version, presentation, error);
    }
}
