using System.Globalization;

namespace CmafOrigin.AppHost.Redis;

/// <summary>
/// One line of CLUSTER NODES: <c>id ip:port@busport[,hostname] flags master ping pong epoch link slot...</c>.
/// </summary>
internal sealed record ClusterNodeLine(string Id, int Port, IReadOnlySet<string> Flags, string? MasterId, IReadOnlyList<(int First, int Last)> Slots)
{
    public bool IsMyself => Flags.Contains("myself");

    public bool IsMaster => Flags.Contains("master");

    public bool IsReplica => Flags.Contains("slave");

    /// <summary>Known to the node only by a handshake in progress, or without an address yet: not one to follow.</summary>
    public bool IsSettled => !Flags.Contains("handshake") && !Flags.Contains("noaddr");

    public bool Serves(int slot) => Slots.Any(range => range.First <= slot && slot <= range.Last);

    public static IReadOnlyList<ClusterNodeLine> ParseAll(string clusterNodes) =>
        [.. clusterNodes.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Parse)];

    private static ClusterNodeLine Parse(string line)
    {
        var fields = line.Split(' ');
        var address = fields[1];
        var port = address[(address.LastIndexOf(':', address.IndexOf('@', StringComparison.Ordinal)) + 1)..address.IndexOf('@', StringComparison.Ordinal)];
        // Slots from field 8 on: "0-5460" or "5461"; "[slot->-id]" / "[slot-<-id]" are migrations, not owned yet.
        var slots = fields.Skip(8)
            .Where(field => field.Length > 0 && field[0] != '[')
            .Select(field => field.Split('-') is [var first, var last]
                ? (int.Parse(first, CultureInfo.InvariantCulture), int.Parse(last, CultureInfo.InvariantCulture))
                : (int.Parse(field, CultureInfo.InvariantCulture), int.Parse(field, CultureInfo.InvariantCulture)))
            .ToList();
        return new ClusterNodeLine(
            fields[0],
            // ":0" while the node is known only by id (noaddr).
            int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : 0,
            fields[2].Split(',').ToHashSet(StringComparer.Ordinal),
            fields[3] == "-" ? null : fields[3],
            slots);
    }
}
