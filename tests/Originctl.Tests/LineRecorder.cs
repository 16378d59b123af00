using System.Text;

namespace CmafOrigin.Originctl.Tests;

/// <summary>A writer that keeps every line written to it and lets a test wait for lines while the command still runs.</summary>
internal sealed class LineRecorder : TextWriter
{
    private readonly StringBuilder _partial = new();
    private readonly List<string> _lines = [];
    private readonly Lock _gate = new();
    private TaskCompletionSource _written = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override Encoding Encoding => Encoding.UTF8;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    public override void Write(char value)
    {
        TaskCompletionSource? written = null;
        lock (_gate)
        {
            if (value == '\n')
            {
                _lines.Add(_partial.ToString().TrimEnd('\r'));
                _partial.Clear();
                written = _written;
                _written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            else
            {
                _partial.Append(value);
            }
        }

        written?.TrySetResult();
    }

    /// <summary>Waits until the lines written so far satisfy <paramref name="condition"/>.</summary>
    public async Task WaitForAsync(Func<IReadOnlyList<string>, bool> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            Task written;
            lock (_gate)
            {
                if (condition(_lines))
                {
                    return;
                }

                written = _written.Task;
            }

            await written.WaitAsync(deadline.Token);
        }
    }
}
