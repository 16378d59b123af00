namespace CmafOrigin.Archive.Finalizing;

/// <summary>
/// A live run's files cannot make a correct final file (a journal pointing past the end of its live file, bytes that are
/// not CMAF, decode times going backwards). Finalizing again will not help: the run is left live for an operator.
/// </summary>
internal sealed class InvalidArchiveException : Exception
{
    public InvalidArchiveException()
    {
    }

    public InvalidArchiveException(string message)
        : base(message)
    {
    }

    public InvalidArchiveException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
