namespace CmafOrigin.Archive.Finalizing;

internal enum RunFinalizationOutcome
{
    /// <summary>The run's final files and manifests are written and run.json says final.</summary>
    Finalized,

    /// <summary>run.json said final already: nothing was written.</summary>
    AlreadyFinal,

    /// <summary>The directory has no readable run.json.</summary>
    NoRun,

    /// <summary>The live files cannot make correct final files (see the error); the run is left live, without final track files.</summary>
    Invalid,
}
