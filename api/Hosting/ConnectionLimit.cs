using System.Globalization;

namespace Chaos.Api.Hosting;

/// <summary>
/// How many client connections the front door accepts at once. Every connection is a file descriptor; a process that
/// runs out of them fails in places that cannot refuse gracefully (a load test that reached this machine's limit of
/// 20,000 ended with the front door dying), so by default the front door stops accepting a reserve short of the
/// process's open-file limit and Kestrel closes further sockets at once. <see cref="FrontDoorOptions.MaxConnections"/> sets it.
/// Kestrel counts upgraded (WebSocket) connections apart from HTTP ones, so the total is split between the two.
/// </summary>
public static class ConnectionLimit
{
    public const string Key = $"{FrontDoorOptions.Section}:{nameof(FrontDoorOptions.MaxConnections)}";

    /// <summary>Descriptors kept for everything else: PostgreSQL pools, silo sockets, blobs, logs, the runtime.</summary>
    public const long Reserve = 1024;

    /// <summary>
    /// Kestrel's two limits for a total of <paramref name="total"/>: a quarter for HTTP connections (every REST client
    /// keeps one alive between requests: with only 1,024, a thousand load-test users already found the door shut), the
    /// rest for WebSockets.
    /// </summary>
    public static (long Http, long Upgraded) Split(long total)
    {
        var http = Math.Max(1, total / 4);
        return (http, Math.Max(1, total - http));
    }

    /// <summary>The least default: with a tiny open-file limit (the .NET runtime raises the soft limit to the hard one) the reserve must not starve the door.</summary>
    public const long MinimumDefault = 1000;

    /// <summary>The configured limit, else the open-file limit minus <see cref="Reserve"/>, else none (null).</summary>
    public static long? Resolve(FrontDoorOptions options, string? procLimits = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxConnections is { } configured)
        {
            return configured > 0 ? configured : null;
        }

        return OpenFileLimit(procLimits ?? ReadProcLimits()) is { } files ? Math.Max(MinimumDefault, files - Reserve) : null;
    }

    /// <summary>The soft "Max open files" of a <c>/proc/self/limits</c> text; null when absent or unlimited.</summary>
    public static long? OpenFileLimit(string? limits)
    {
        foreach (var line in (limits ?? string.Empty).Split('\n'))
        {
            if (line.StartsWith("Max open files", StringComparison.Ordinal))
            {
                var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return fields.Length > 0 && long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var soft) ? soft : null;
            }
        }

        return null;
    }

    private static string? ReadProcLimits()
    {
        try
        {
            return OperatingSystem.IsLinux() ? File.ReadAllText("/proc/self/limits") : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
