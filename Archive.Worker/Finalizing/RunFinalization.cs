using CmafOrigin.Contracts.Archive;

namespace CmafOrigin.Archive.Finalizing;

/// <summary>What <see cref="RunFinalizer.FinalizeAsync"/> did.</summary>
/// <param name="Run">run.json as it now is (null for <see cref="RunFinalizationOutcome.NoRun"/>).</param>
/// <param name="Tracks">The final track files written (empty unless <see cref="RunFinalizationOutcome.Finalized"/>).</param>
/// <param name="Error">Why the run is <see cref="RunFinalizationOutcome.Invalid"/>.</param>
internal sealed record RunFinalization(RunFinalizationOutcome Outcome, ArchiveRun? Run, IReadOnlyList<FinalTrack> Tracks, string? Error = null);
