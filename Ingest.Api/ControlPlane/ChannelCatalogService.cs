using CmafOrigin.Contracts.Catalog;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using StackExchange.Redis;

namespace CmafOrigin.Ingest.Control;

/// <summary>What is on the air, for operators: gRPC over <see cref="ChannelCatalogReader"/> and the channel-events pub/sub.</summary>
internal sealed class ChannelCatalogService(
    ChannelCatalogReader catalog,
    IConnectionMultiplexer redis,
    ObjectKeys keys,
    TimeProvider time,
    ILogger<ChannelCatalogService> logger) : ChannelCatalog.ChannelCatalogBase
{
    /// <summary>How often a watch looks for channels that went silent.</summary>
    internal static readonly TimeSpan SilenceCheck = TimeSpan.FromSeconds(1);

    public override async Task<ListChannelsResponse> ListChannels(ListChannelsRequest request, ServerCallContext context)
    {
        var response = new ListChannelsResponse();
        response.Channels.AddRange(await StorageCall(() => catalog.ListAsync(context.CancellationToken), nameof(ListChannels)));
        return response;
    }

    public override async Task<Channel> GetChannel(GetChannelRequest request, ServerCallContext context)
    {
        var directory = ChannelNames.Require(request.Name);
        return await StorageCall(() => catalog.GetAsync(directory, context.CancellationToken), nameof(GetChannel))
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"no channel '{ChannelName.Of(directory)}' is on the origin"));
    }

    /// <remarks>
    /// 1. Subscribe first, then read which channels are live: no event falls between the two.
    /// 2. Forward each event of the requested channel(s) in the order Redis delivers them (the order Ingest's
    ///    scripts ran in), remembering when each channel was last heard from.
    /// 3. A live channel silent for Catalog:EndedAfter gets a CHANNEL_ENDED made here: an encoder that died
    ///    never says it ended.
    /// 4. The client cancelling ends the call cleanly.
    /// </remarks>
    public override async Task WatchChannels(WatchChannelsRequest request, IServerStreamWriter<ChannelEvent> responseStream, ServerCallContext context)
    {
        string? only = null;
        if (!string.IsNullOrEmpty(request.Channel))
        {
            // Events name channels as operators do (the root is "/").
            only = ChannelName.Of(ChannelNames.Require(request.Channel));
        }

        var cancellation = context.CancellationToken;
        // 1. Subscribe
        var subscriber = redis.GetSubscriber();
        var queue = await StorageCall(() => subscriber.SubscribeAsync(keys.ChannelEvents), nameof(WatchChannels));
        try
        {
            var lastHeard = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            foreach (var channel in await StorageCall(() => catalog.ListAsync(cancellation), nameof(WatchChannels)))
            {
                if (channel.State == ChannelState.Live && (only is null || channel.Name == only))
                {
                    lastHeard[channel.Name] = channel.LastActivityAt.ToDateTimeOffset();
                }
            }

            var next = queue.ReadAsync(cancellation).AsTask();
            while (true)
            {
                var tick = Task.Delay(SilenceCheck, time, cancellation);
                if (await Task.WhenAny(next, tick) == next)
                {
                    // 2. Forward
                    var message = await next;
                    next = queue.ReadAsync(cancellation).AsTask();
                    if (Parse(message.Message) is not { } channelEvent || (only is not null && channelEvent.Channel != only))
                    {
                        continue;
                    }

                    if (channelEvent.Kind == ChannelEventKind.ChannelEnded)
                    {
                        lastHeard.Remove(channelEvent.Channel);
                    }
                    else
                    {
                        lastHeard[channelEvent.Channel] = time.GetUtcNow();
                    }

                    await responseStream.WriteAsync(channelEvent, cancellation);
                    continue;
                }

                // 3. Silence
                await tick;
                var now = time.GetUtcNow();
                foreach (var (channel, heard) in lastHeard.Where(c => now - c.Value > catalog.Options.EndedAfter).ToList())
                {
                    lastHeard.Remove(channel);
                    await responseStream.WriteAsync(
                        new ChannelEvent { Channel = channel, Kind = ChannelEventKind.ChannelEnded, At = Timestamp.FromDateTimeOffset(heard + catalog.Options.EndedAfter) },
                        cancellation);
                }
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // 4. The client went away or cancelled: the call is over, nothing failed.
            ControlLog.WatchEnded(logger, "cancelled by the client");
        }
        finally
        {
            await queue.UnsubscribeAsync();
        }
    }

    private static ChannelEvent? Parse(RedisValue message)
    {
        try
        {
            return message.IsNullOrEmpty ? null : ChannelEvent.Parser.ParseFrom((byte[])message!);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return null;
        }
    }

    private async Task<T> StorageCall<T>(Func<Task<T>> call, string method)
    {
        try
        {
            return await call();
        }
        catch (Exception ex) when (ex.IsStorageFailure())
        {
            ControlLog.StorageFailed(logger, ex, method);
            throw new RpcException(new Status(StatusCode.Unavailable, "storage is unavailable"));
        }
    }
}
