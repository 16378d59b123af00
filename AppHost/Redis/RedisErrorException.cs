namespace CmafOrigin.AppHost.Redis;

/// <summary>redis-server answered a command with an error reply (<c>-ERR ...</c>).</summary>
internal sealed class RedisErrorException : Exception
{
    public RedisErrorException()
    {
    }

    public RedisErrorException(string message)
        : base(message)
    {
    }

    public RedisErrorException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
