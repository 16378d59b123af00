namespace CmafOrigin.Contracts.Archive;

/// <summary>Where the archive lives: the writer (Archive.Worker) and the reader (Delivery) must be given the same directory.</summary>
public sealed class ArchiveStorageOptions
{
    public const string SectionName = "Archive";

    /// <summary>The archive's root; by default <c>~/.local/share/cmaforigin/archive</c>. Several hosts need a shared volume.</summary>
    public string Directory { get; set; } = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify),
        "cmaforigin",
        "archive");

    public ArchiveLayout Layout() => new(Directory);
}
