namespace CmafOrigin.Archive.Tests.Finalizing;

/// <summary>A file's content and modification time, compared by content.</summary>
internal sealed record FileSnapshot(byte[] Bytes, DateTime Modified)
{
    public bool Equals(FileSnapshot? other) => other is not null && Modified == other.Modified && Bytes.AsSpan().SequenceEqual(other.Bytes);

    public override int GetHashCode() => HashCode.Combine(Bytes.Length, Modified);
}
