using System.Globalization;
using Chaos.Accounts;
using Microsoft.Extensions.Options;

namespace Chaos.Tests.Edge;

/// <summary>
/// Password hashing leaves the chat its share of the cores (docs/architecture.md#password-hashing): one hash per two cores
/// by default, on dedicated threads whose OS priority is lowered.
/// </summary>
public sealed class PasswordHashingTests
{
    [Fact]
    public void ByDefault_OneHashRunsPerTwoCores()
    {
        PasswordHasher.Concurrency(new PasswordHashingOptions()).ShouldBe(Math.Max(1, Environment.ProcessorCount / 2));
        PasswordHasher.Concurrency(new PasswordHashingOptions { MaxConcurrent = 3 }).ShouldBe(3);
    }

    [Fact]
    public async Task Hashes_RunOnDedicatedThreads_OfLoweredPriority_AndVerify()
    {
        // A niceness no other hasher in this process uses, so the thread found is this hasher's.
        using var hasher = new PasswordHasher(Options.Create(new PasswordHashingOptions { MemoryKiB = 64, Iterations = 1, MaxConcurrent = 1, Niceness = 13, MaxWaitMilliseconds = 600_000 }));
        var hash = await hasher.HashAsync("password-123");
        hash.ShouldStartWith("$argon2id$");
        (await hasher.VerifyAsync("password-123", hash)).ShouldBeTrue();
        (await hasher.VerifyAsync("password-124", hash)).ShouldBeFalse();

        if (OperatingSystem.IsLinux())
        {
            HashingThreadNiceValues().ShouldContain(13, "a hashing thread runs at the configured nice value");
        }
    }

    /// <summary>The nice value (field 19 of /proc/self/task/{tid}/stat) of every thread named <c>chaos-hash-*</c>.</summary>
    private static List<int> HashingThreadNiceValues()
    {
        var values = new List<int>();
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                if (!File.ReadAllText(Path.Combine(task, "comm")).StartsWith("chaos-hash-", StringComparison.Ordinal))
                {
                    continue;
                }

                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                // Fields after "(comm)" start at field 3 (state); nice is field 19.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                values.Add(int.Parse(fields[19 - 3], CultureInfo.InvariantCulture));
            }
            catch (IOException)
            {
                // The thread ended meanwhile.
            }
        }

        return values;
    }
}
