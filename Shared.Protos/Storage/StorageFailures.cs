using StackExchange.Redis;

namespace CmafOrigin.Contracts.Storage;

/// <summary>Which exceptions mean "Redis failed" (unreachable, timed out, refused), as opposed to bugs.</summary>
public static class StorageFailures
{
    /// <remarks><see cref="RedisTimeoutException"/> derives from <see cref="TimeoutException"/>, not <see cref="RedisException"/>.</remarks>
    public static bool IsStorageFailure(this Exception exception) =>
        exception is RedisException or RedisTimeoutException;
}
