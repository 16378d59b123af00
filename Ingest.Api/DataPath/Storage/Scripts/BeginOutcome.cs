namespace CmafOrigin.Ingest.Storage.Scripts;

/// <summary>What <see cref="BeginScript"/> did: begun (with the version current before, if any), or nothing because the channel's templates changed.</summary>
internal readonly record struct BeginOutcome(bool TemplatesChanged, string? Previous);
