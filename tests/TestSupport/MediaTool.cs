using System.ComponentModel;
using System.Diagnostics;

namespace CmafOrigin.TestSupport;

/// <summary>Runs <c>ffmpeg</c> or <c>ffprobe</c> to its end and keeps what it printed.</summary>
public static class MediaTool
{
    /// <param name="input">A file to give it on stdin (<c>-i pipe:0</c>): read once, front to back, as over a network.</param>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string program, IEnumerable<string> arguments, CancellationToken cancellationToken, string? input = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"{program} is not installed: apt-get install -y ffmpeg", e);
        }

        using (process)
        {
            try
            {
                var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
                var error = process.StandardError.ReadToEndAsync(cancellationToken);
                if (input is not null)
                {
                    await WriteInputAsync(process, input, cancellationToken);
                }

                await process.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
                return (process.ExitCode, await output, await error);
            }
            finally
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
        }
    }

    private static async Task WriteInputAsync(Process process, string input, CancellationToken cancellationToken)
    {
        try
        {
            await using var file = File.OpenRead(input);
            await file.CopyToAsync(process.StandardInput.BaseStream, cancellationToken);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // It stopped reading before the end: what it printed says why.
        }
    }

    /// <summary>ffprobe's <c>-of default=nw=1:nk=1</c> answer for <paramref name="entries"/> of <paramref name="file"/>, as a number.</summary>
    /// <param name="piped">Give the file on stdin rather than by name, so ffprobe cannot seek in it.</param>
    public static async Task<double> ProbeAsync(string file, string entries, CancellationToken cancellationToken, bool piped = false, params string[] options)
    {
        var (exitCode, output, error) = await RunAsync(
            "ffprobe",
            ["-v", "error", .. options, "-show_entries", entries, "-of", "default=nw=1:nk=1", piped ? "pipe:0" : file],
            cancellationToken,
            piped ? file : null);
        Assert.True(exitCode == 0, $"ffprobe {entries} {file} exited with {exitCode}: {error}");
        return double.Parse(output.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
