using System.Diagnostics;

namespace Chaos.LoadTest;

/// <summary>Runs an action at a fixed rate (or as fast as it completes, rate 0) until a deadline, without drift.</summary>
internal static class Pacer
{
    public static async Task RunAsync(double perSecond, TimeSpan duration, Func<long, Task> action, CancellationToken cancellation)
    {
        var start = Stopwatch.GetTimestamp();
        for (long n = 0; ; n++)
        {
            if (cancellation.IsCancellationRequested || Stopwatch.GetElapsedTime(start) >= duration)
            {
                return;
            }

            if (perSecond > 0)
            {
                var due = TimeSpan.FromSeconds(n / perSecond) - Stopwatch.GetElapsedTime(start);
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, cancellation).ConfigureAwait(false);
                }
            }

            await action(n).ConfigureAwait(false);
        }
    }
}
