using System.Collections.Concurrent;

namespace CmafOrigin.Bench.Measure;

/// <summary>Errors by kind (e.g. <c>viewer_status_404</c>, <c>viewer_truncated</c>, <c>encoder_exception</c>), with the first message of each.</summary>
internal sealed class ErrorCounts
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _examples = new(StringComparer.Ordinal);

    public int Total => _counts.Values.Sum();

    public void Add(string kind, string? example = null)
    {
        _counts.AddOrUpdate(kind, 1, (_, n) => n + 1);
        if (example is not null)
        {
            _examples.TryAdd(kind, example);
        }
    }

    public IReadOnlyDictionary<string, int> ByKind => new SortedDictionary<string, int>(_counts, StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> Examples => new SortedDictionary<string, string>(_examples, StringComparer.Ordinal);
}
