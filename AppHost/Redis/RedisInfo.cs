namespace CmafOrigin.AppHost.Redis;

/// <summary>Reads the <c>name:value</c> lines of INFO and CLUSTER INFO.</summary>
internal static class RedisInfo
{
    /// <summary>The value of <paramref name="name"/>, or null when the reply has no such line.</summary>
    public static string? Field(string info, string name)
    {
        foreach (var line in info.Split('\n'))
        {
            if (line.StartsWith(name, StringComparison.Ordinal) && line.Length > name.Length && line[name.Length] == ':')
            {
                return line[(name.Length + 1)..].Trim();
            }
        }

        return null;
    }
}
