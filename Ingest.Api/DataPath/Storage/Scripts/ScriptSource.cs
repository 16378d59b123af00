namespace CmafOrigin.Ingest.Storage.Scripts;

/// <summary>
/// The source of one Lua script, read from its <c>.lua</c> file (an embedded resource) with the shared functions it
/// uses prepended: Redis runs a script as one chunk, so <c>track.lua</c> and <c>channel.lua</c> cannot be loaded apart.
/// </summary>
internal static class ScriptSource
{
    /// <summary>The scripts in this folder, with the shared functions each uses.</summary>
    internal static readonly IReadOnlyDictionary<string, string[]> All = new Dictionary<string, string[]>
    {
        ["begin.lua"] = ["track.lua", "channel.lua"],
        ["append.lua"] = ["track.lua"],
        ["complete.lua"] = ["track.lua", "channel.lua"],
        ["abort.lua"] = ["track.lua", "channel.lua"],
        ["delete.lua"] = ["channel.lua"],
        ["restore.lua"] = ["track.lua", "channel.lua"],
        ["purge-channel.lua"] = [],
    };

    /// <summary>The text Redis runs for <paramref name="file"/>: its shared functions, then the script itself.</summary>
    public static string Load(string file) => string.Concat(All[file].Append(file).Select(Read));

    private static string Read(string file)
    {
        using var stream = typeof(ScriptSource).Assembly.GetManifestResourceStream($"scripts/{file}")
            ?? throw new InvalidOperationException($"The Lua script {file} is not embedded in {typeof(ScriptSource).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
