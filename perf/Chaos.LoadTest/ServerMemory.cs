using System.Globalization;

namespace Chaos.LoadTest;

/// <summary>Resident memory of server processes on this machine, read from /proc (the generator runs beside the server).</summary>
internal static class ServerMemory
{
    /// <summary>The summed VmRSS of the processes, or null when there are none or one has exited.</summary>
    public static long? ResidentBytes(IReadOnlyList<int> pids)
    {
        if (pids.Count == 0)
        {
            return null;
        }

        long total = 0;
        foreach (var pid in pids)
        {
            string? line;
            try
            {
                line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            }
            catch (IOException)
            {
                // The process has exited (DirectoryNotFoundException, FileNotFoundException).
                return null;
            }

            if (line is null)
            {
                return null;
            }

            total += long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }

        return total;
    }
}
