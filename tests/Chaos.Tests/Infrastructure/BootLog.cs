using System.Diagnostics;
using System.Globalization;

namespace Chaos.Tests.Infrastructure;

/// <summary>
/// Times what the suite starts (servers, databases, clusters, processes) and, when <c>CHAOS_TEST_BOOT_LOG</c> names a
/// file, appends one line per start to it: how many boots a run costs and how long they take is what decides how tests
/// share fixtures.
/// </summary>
public static class BootLog
{
    private static readonly string? LogFile = Environment.GetEnvironmentVariable("CHAOS_TEST_BOOT_LOG");
    private static readonly Lock Gate = new();

    public static async Task<T> TimeAsync<T>(string what, Func<Task<T>> start)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await start();
        Record(what, Stopwatch.GetElapsedTime(started));
        return result;
    }

    private static void Record(string what, TimeSpan took)
    {
        if (string.IsNullOrEmpty(LogFile))
        {
            return;
        }

        var line = string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:HH:mm:ss.fff}\t{what}\t{took.TotalMilliseconds:0}\n");
        lock (Gate)
        {
            File.AppendAllText(LogFile, line);
        }
    }
}
