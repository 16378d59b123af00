using CmafOrigin.Ingest.Storage;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace CmafOrigin.Ingest.Tests.Storage;

/// <summary>A script that meets TRYAGAIN while its channel's slot migrates is sent again, for a bounded time, on a fake clock.</summary>
public sealed class SlotMigrationTests
{
    private const string TryAgain = "TRYAGAIN Multiple keys request during rehashing of slot";

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task RetryAsync_TryAgainWhileTheSlotMoves_SendsItAgain_UntilItRuns()
    {
        var calls = 0;

        var result = await RunOnTheClockAsync(SlotMigration.RetryAsync(
            () => ++calls <= 5 ? Task.FromException<int>(new RedisServerException(RedisErrorKind.TryAgain, CommandFlags.None, TryAgain)) : Task.FromResult(42), _time));

        Assert.Equal(42, result);
        Assert.Equal(6, calls);
    }

    [Fact]
    public async Task RetryAsync_TryAgainLongerThanMaxWait_GivesUp_WithTheError()
    {
        var calls = 0;
        var started = _time.GetTimestamp();

        var error = await Assert.ThrowsAsync<RedisServerException>(() => RunOnTheClockAsync(SlotMigration.RetryAsync(
            () => { calls++; return Task.FromException<int>(new RedisServerException(RedisErrorKind.TryAgain, CommandFlags.None, TryAgain)); }, _time)));

        Assert.StartsWith("TRYAGAIN", error.Message, StringComparison.Ordinal);
        Assert.InRange(_time.GetElapsedTime(started), SlotMigration.MaxWait - TimeSpan.FromMilliseconds(200), SlotMigration.MaxWait);
        Assert.InRange(calls, 10, 40);
    }

    [Fact]
    public async Task RetryAsync_AnyOtherError_IsNotSentAgain()
    {
        var calls = 0;

        await Assert.ThrowsAsync<RedisServerException>(() => RunOnTheClockAsync(SlotMigration.RetryAsync(
            () => { calls++; return Task.FromException<int>(new RedisServerException(RedisErrorKind.UnknownError, CommandFlags.None, "ERR Error running script")); }, _time)));

        Assert.Equal(1, calls);
    }

    /// <summary>Moves the fake clock on in small steps until <paramref name="task"/> is done.</summary>
    private async Task<T> RunOnTheClockAsync<T>(Task<T> task)
    {
        for (var step = 0; !task.IsCompleted && step < 10_000; step++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(10));
            await Task.Yield();
        }

        return await task;
    }
}
