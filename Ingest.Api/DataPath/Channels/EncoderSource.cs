namespace CmafOrigin.Ingest.Channels;

/// <summary>Where an upload came from, as an operator would tell two encoders apart: address, credential, client.</summary>
internal sealed record EncoderSource(string Address, string? User, string? Client)
{
    public static EncoderSource Of(HttpContext context) => new(
        context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
        context.User.Identity?.Name,
        context.Request.Headers.UserAgent.ToString() is { Length: > 0 } agent ? agent : null);

    /// <summary><c>127.0.0.1 (user encoder, Lavf/59.27.100)</c>; one line, so it can be stored and logged as is.</summary>
    public override string ToString()
    {
        var details = string.Join(", ", new[] { User is null ? null : $"user {User}", Client }.OfType<string>());
        var text = details.Length == 0 ? Address : $"{Address} ({details})";
        return text.ReplaceLineEndings(" ");
    }
}
