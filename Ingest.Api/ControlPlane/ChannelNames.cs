using System.Diagnostics.CodeAnalysis;
using CmafOrigin.Contracts.Catalog;
using CmafOrigin.Contracts.Paths;
using Grpc.Core;

namespace CmafOrigin.Ingest.Control;

/// <summary>
/// A channel name in a request: a directory under the origin's path rules ("live/demo"), or <c>/</c> for the root
/// (<see cref="ChannelName"/>). Parsed to the directory the channel is stored under.
/// </summary>
internal static class ChannelNames
{
    public static bool TryParse(string? name, [NotNullWhen(true)] out string? channel)
    {
        channel = null;
        if (name == ChannelName.Root)
        {
            channel = string.Empty;
            return true;
        }

        var trimmed = name?.Trim('/');
        // The name must be the directory of an object under the same rules as every upload path.
        if (string.IsNullOrEmpty(trimmed) || !ObjectPath.TryParse($"/{trimmed}/x.mpd", out var path, out _) || path.Channel != trimmed)
        {
            return false;
        }

        channel = trimmed;
        return true;
    }

    public static string Require(string? name) =>
        TryParse(name, out var channel)
            ? channel
            : throw new RpcException(new Status(StatusCode.InvalidArgument, "the channel name must be a directory such as live/demo, or / for the root"));
}
