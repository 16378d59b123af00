using System.Text;

namespace CmafOrigin.Delivery.Manifests;

/// <summary>A manifest's bytes as text for the rewriters: strict UTF-8, so bytes that are not are served untouched rather than mangled.</summary>
internal static class ManifestText
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static bool TryDecode(byte[] manifest, out string text)
    {
        try
        {
            text = Strict.GetString(manifest);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = string.Empty;
            return false;
        }
    }
}
