namespace CmafOrigin.AppHost;

/// <summary>A failure AppHost explains in one line (missing tool, unbuilt project, service not healthy), without a stack trace.</summary>
internal sealed class AppHostException : Exception
{
    public AppHostException()
    {
    }

    public AppHostException(string message)
        : base(message)
    {
    }

    public AppHostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
