using System.Runtime.CompilerServices;

namespace CmafOrigin.TestSupport;

/// <summary>A channel of its own for every test, so tests run in parallel against one Redis.</summary>
public static class TestPaths
{
    public static string Channel([CallerMemberName] string test = "")
    {
        var name = new string([.. test.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_').Take(60)]);
        return $"live/{name}-{Guid.NewGuid():N}"[..(name.Length + 5 + 1 + 8)];
    }

    /// <summary>Bytes that differ at every offset and between calls, so a mix-up or a lost piece shows.</summary>
    public static byte[] Payload(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
