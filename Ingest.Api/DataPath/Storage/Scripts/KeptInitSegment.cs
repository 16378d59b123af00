namespace CmafOrigin.Ingest.Storage.Scripts;

/// <summary>An init segment recorded in a channel, whose keys <see cref="CompleteScript"/> extends: its name and version, and that version's keys.</summary>
internal sealed record KeptInitSegment(string Name, string Version, VersionKeys Keys);
