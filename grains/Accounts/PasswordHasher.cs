using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Chaos.Errors;
using Konscious.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Chaos.Accounts;

/// <summary>
/// Argon2id password hashes in the PHC string format. Hashing is deliberately expensive, so it runs on the thread
/// pool: a grain awaits it instead of holding an Orleans scheduler thread for tens of milliseconds.
/// </summary>
public sealed class PasswordHasher(IOptions<PasswordHashingOptions> options)
{
    private const int SaltBytes = 16;
    private const int HashBytes = 32;
    private readonly Lazy<string> dummyHash = new(() => HashCore("chaos-dummy-password", options.Value));

    private readonly SemaphoreSlim slots = new(Concurrency(options.Value));
    private int waiting;

    public Task<string> HashAsync(string password) => RunAsync(() => HashCore(password, options.Value));

    public Task<bool> VerifyAsync(string password, string encoded) => RunAsync(() => VerifyCore(password, encoded));

    /// <summary>Spends the same time as a real check, so an unknown username cannot be told apart from a wrong password.</summary>
    public Task BurnAsync(string password) => RunAsync(() => VerifyCore(password, dummyHash.Value));

    private static int Concurrency(PasswordHashingOptions cost) => cost.MaxConcurrent > 0 ? cost.MaxConcurrent : Environment.ProcessorCount;

    /// <summary>
    /// At most <see cref="PasswordHashingOptions.MaxConcurrent"/> hashes run and <see cref="PasswordHashingOptions.MaxQueued"/>
    /// wait; past that the caller gets 429 at once (docs/api.md#rate-limits), so a flood of logins costs a bounded amount
    /// of CPU and memory and the front door answers instead of timing out.
    /// </summary>
    private async Task<T> RunAsync<T>(Func<T> work)
    {
        if (Interlocked.Increment(ref waiting) > options.Value.MaxQueued + Concurrency(options.Value))
        {
            Interlocked.Decrement(ref waiting);
            throw ChaosException.RateLimited(1, "The server is busy checking passwords; retry shortly.");
        }

        try
        {
            await slots.WaitAsync();
            try
            {
                return await Task.Run(work);
            }
            finally
            {
                slots.Release();
            }
        }
        finally
        {
            Interlocked.Decrement(ref waiting);
        }
    }

    private static string HashCore(string password, PasswordHashingOptions cost)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Compute(password, salt, cost.MemoryKiB, cost.Iterations, cost.Parallelism);
        return string.Create(CultureInfo.InvariantCulture, $"$argon2id$v=19$m={cost.MemoryKiB},t={cost.Iterations},p={cost.Parallelism}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    private static bool VerifyCore(string password, string encoded)
    {
        // $argon2id$v=19$m=..,t=..,p=..$salt$hash
        var parts = encoded.Split('$');
        if (parts.Length != 6 || parts[1] != "argon2id")
        {
            return false;
        }

        int memory = 0, iterations = 0, parallelism = 0;
        foreach (var pair in parts[3].Split(','))
        {
            var kv = pair.Split('=');
            if (kv.Length != 2 || !int.TryParse(kv[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return false;
            }

            switch (kv[0])
            {
                case "m": memory = value; break;
                case "t": iterations = value; break;
                case "p": parallelism = value; break;
                default: return false;
            }
        }

        var salt = Convert.FromBase64String(parts[4]);
        var expected = Convert.FromBase64String(parts[5]);
        var actual = Compute(password, salt, memory, iterations, parallelism);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private static byte[] Compute(string password, byte[] salt, int memoryKiB, int iterations, int parallelism)
    {
        using var argon = new Argon2id(Encoding.UTF8.GetBytes(password))
        {
            Salt = salt,
            MemorySize = memoryKiB,
            Iterations = iterations,
            DegreeOfParallelism = parallelism,
        };
        return argon.GetBytes(HashBytes);
    }
}
