using System.Collections.Concurrent;
using System.Diagnostics;

namespace CmafOrigin.AppHost;

/// <summary>
/// Starts child processes so they cannot outlive AppHost, even when AppHost is killed with SIGKILL
/// and none of its own clean-up runs.
/// </summary>
/// <remarks>
/// On Linux the command is prefixed with util-linux's <c>setsid</c> and <c>setpriv --pdeathsig TERM</c>;
/// both exec in place, so the child keeps the PID that <see cref="Process.Id"/> reports.
/// <list type="bullet">
/// <item><c>--pdeathsig</c>: the kernel sends the child SIGTERM when its parent dies (PR_SET_PDEATHSIG).</item>
/// <item><c>setsid</c>: the child leaves the terminal's process group, so Ctrl+C reaches only AppHost,
/// which then stops the children in order (the encoder before the services, Redis last) instead of all at once.</item>
/// </list>
/// PR_SET_PDEATHSIG fires when the <em>thread</em> that forked the child ends, not the process (man 2 prctl),
/// and thread-pool threads retire when idle; so every child is forked from one thread that lives as long as AppHost.
/// </remarks>
internal static class OrphanGuard
{
    private static readonly string? SetSid = OperatingSystem.IsLinux() ? Executable.Find("setsid") : null;
    private static readonly string? SetPriv = OperatingSystem.IsLinux() ? Executable.Find("setpriv") : null;

    private static readonly BlockingCollection<Action> Work = StartSpawnThread();

    /// <summary>False where the tools are missing: children then die with AppHost only on its normal exit paths.</summary>
    public static bool IsActive => SetSid is not null && SetPriv is not null;

    /// <summary>Rewrites <paramref name="startInfo"/> to run under the guard, then starts it on the spawn thread.</summary>
    public static Process Start(ProcessStartInfo startInfo)
    {
        if (IsActive)
        {
            Wrap(startInfo);
        }

        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        Work.Add(() =>
        {
            try
            {
                started.SetResult(Process.Start(startInfo) ?? throw new AppHostException($"could not start {startInfo.FileName}"));
            }
            catch (Exception ex)
            {
                started.SetException(ex);
            }
        });

        return started.Task.GetAwaiter().GetResult();
    }

    private static void Wrap(ProcessStartInfo startInfo)
    {
        string[] prefix = ["--pdeathsig", "TERM", "--", SetSid!, startInfo.FileName];
        for (var i = prefix.Length - 1; i >= 0; i--)
        {
            startInfo.ArgumentList.Insert(0, prefix[i]);
        }

        startInfo.FileName = SetPriv!;
    }

    private static BlockingCollection<Action> StartSpawnThread()
    {
        var work = new BlockingCollection<Action>();
        var thread = new Thread(() =>
        {
            foreach (var action in work.GetConsumingEnumerable())
            {
                action();
            }
        })
        {
            IsBackground = true,
            Name = "AppHost child spawner",
        };
        thread.Start();
        return work;
    }
}
