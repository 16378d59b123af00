using System.ComponentModel.DataAnnotations;

namespace CmafOrigin.Archive;

/// <summary>How the archive writer follows channels (section <c>Archive</c>; the directory is <see cref="Contracts.Archive.ArchiveStorageOptions"/>).</summary>
public sealed class ArchiveOptions
{
    public const string SectionName = "Archive";

    /// <summary>A run with no new segment, manifest or event for this long has ended (an encoder that died without its DELETEs).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan EndAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Final runs older than this are removed; zero keeps them for ever.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often each followed channel's log is read when no event woke it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// A channel is archived by one writer at a time, holding a lease in Redis renewed at a third of this; a writer
    /// that dies is replaced after it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan LeaseTime { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>This writer's name in the consumer group and on leases; by default the host name and process id.</summary>
    public string? WriterId { get; set; }
}
