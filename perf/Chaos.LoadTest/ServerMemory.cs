using System.Globalization;

namespace Chaos.LoadTest;

/// <summary>Resident memory of server processes on this machine, read from /proc (the generator runs beside the server).</summary>
internal static class ServerMemory
{
    public static long? ResidentBytes(IReadOnlyList<int> pids)
    {
        if (pids.Count == 0)
        {
            return null;
        }

        long total = 0;
        foreach (var pid in pids)
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            if (line is null)
            {
                return null;
            }

            total += long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }

        return total;
    }
}
