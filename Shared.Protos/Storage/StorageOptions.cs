namespace CmafOrigin.Contracts.Storage;

/// <summary>Settings both services must agree on (section <c>Storage</c>).</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>First part of every Redis key and of the events channel; lets several origins share one Redis.</summary>
    public string KeyPrefix { get; set; } = "cmaf";
}
