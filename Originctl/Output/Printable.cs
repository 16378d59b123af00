namespace CmafOrigin.Originctl.Output;

/// <summary>
/// Text that came from the origin, made safe to print: track ids and codecs are read from an encoder's MPD, and a
/// control character there (an escape sequence) must not reach the operator's terminal.
/// </summary>
internal static class Printable
{
    public static string Of(string text)
    {
        if (!text.Any(char.IsControl))
        {
            return text;
        }

        return string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? '?' : source[i];
            }
        });
    }
}
