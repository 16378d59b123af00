using System.Text;
using CmafOrigin.Contracts.Archive;
using CmafOrigin.Delivery.Archive;

namespace CmafOrigin.Delivery.Tests.Archive;

public sealed class JournalIndexTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cmaforigin-journal-").FullName;

    private string Journal => Path.Combine(_directory, "0.journal");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void TryFind_JournalGrowing_FindsEachSegmentOnceItsLineIsComplete()
    {
        var index = new JournalIndex(Journal, keep: 0);
        Append(Segment(1));
        Assert.True(index.TryFind("s1.m4s", out var first, out var newestEnd));
        Assert.Equal(Segment(1), first);
        Assert.Equal(1000, newestEnd);

        // The writer is half-way through the next line: not there yet, and nothing before it is lost.
        var line = ArchiveFiles.JournalLine(Segment(2));
        AppendBytes(line[..10]);
        Assert.False(index.TryFind("s2.m4s", out _, out _));
        Assert.True(index.TryFind("s1.m4s", out _, out _));

        AppendBytes(line[10..]);
        Assert.True(index.TryFind("s2.m4s", out var second, out newestEnd));
        Assert.Equal(Segment(2), second);
        Assert.Equal(2000, newestEnd);
    }

    [Fact]
    public void TryFind_UnreadableLine_EndsTheJournalThere()
    {
        var index = new JournalIndex(Journal, keep: 0);
        Append(Segment(1));
        AppendBytes(Encoding.UTF8.GetBytes("{not json\n"));
        Append(Segment(3));

        Assert.True(index.TryFind("s1.m4s", out _, out _));
        Assert.False(index.TryFind("s3.m4s", out _, out _));
    }

    [Fact]
    public void TryFind_SegmentsEndedMoreThanKeepBeforeTheNewest_AreForgotten()
    {
        var index = new JournalIndex(Journal, keep: 2500);
        for (var number = 1; number <= 5; number++)
        {
            Append(Segment(number));
        }

        // Newest ends at 5000: kept from 2500 on, so segment 2 (ending at 2000) is gone and 3 is not.
        Assert.False(index.TryFind("s1.m4s", out _, out _));
        Assert.False(index.TryFind("s2.m4s", out _, out _));
        Assert.True(index.TryFind("s3.m4s", out _, out _));
    }

    [Fact]
    public void TryFind_JournalNotWrittenYet_FindsNothing_ThenItsLines()
    {
        var index = new JournalIndex(Journal, keep: 0);
        Assert.False(index.TryFind("s1.m4s", out _, out var newestEnd));
        Assert.Equal(-1, newestEnd);

        Append(Segment(1));

        Assert.True(index.TryFind("s1.m4s", out _, out _));
    }

    private static ArchivedSegment Segment(int number) =>
        new($"s{number}.m4s", number, $"v{number}", 100L * number, 100, (number - 1) * 1000L, 1000, Independent: true);

    private void Append(ArchivedSegment segment) => AppendBytes(ArchiveFiles.JournalLine(segment));

    private void AppendBytes(byte[] bytes)
    {
        using var file = new FileStream(Journal, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        file.Write(bytes);
    }
}
