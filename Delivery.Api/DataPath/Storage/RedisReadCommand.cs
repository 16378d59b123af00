namespace CmafOrigin.Delivery.Storage;

/// <summary>The Redis commands <see cref="ObjectReader"/> issues, each counted by <see cref="RedisReads"/> under its Redis name.</summary>
internal enum RedisReadCommand
{
    /// <summary><c>GET</c>: a path's current version.</summary>
    Get,

    /// <summary><c>HGETALL</c>: a version's meta.</summary>
    HashGetAll,

    /// <summary><c>PTTL</c>: how long a version is still retained.</summary>
    TimeToLive,

    /// <summary><c>XRANGE</c>: a completed version's whole chunk stream.</summary>
    StreamRange,

    /// <summary><c>XREAD</c>: an in-progress version's chunks after the last one read.</summary>
    StreamRead,

    /// <summary><c>EXISTS</c>: whether a version a feed found nothing new on is still there.</summary>
    Exists,

    /// <summary><c>HGET</c>: one field of a channel's hash (a track's latest segment).</summary>
    HashGet,

    /// <summary><c>HMGET</c>: fields of a channel's hash (its run's start and a track's latest segment).</summary>
    HashGetMany,

    /// <summary><c>ZRANGE</c>: the newest entry of the manifest index.</summary>
    SortedSetRange,
}
