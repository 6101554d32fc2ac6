using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Chaos.Errors;
using Konscious.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Chaos.Accounts;

/// <summary>
/// Argon2id password hashes in the PHC string format. Hashing is deliberately expensive, so it runs on a few dedicated
/// threads of lowered OS priority (docs/architecture.md#password-hashing): a grain awaits it instead of holding an
/// Orleans scheduler thread, the thread pool keeps its threads for the chat, and when the cores are contended (a login
/// flood) the scheduler gives the chat's threads the CPU first.
/// </summary>
public sealed class PasswordHasher : IDisposable
{
    private const int SaltBytes = 16;
    private const int HashBytes = 32;
    private readonly IOptions<PasswordHashingOptions> options;
    private readonly TimeProvider time;
    private readonly Lazy<string> dummyHash;
    private readonly BlockingCollection<HashWork> queue = new();
    private readonly int concurrency;
    private int waiting;

    public PasswordHasher(IOptions<PasswordHashingOptions> options)
        : this(options, TimeProvider.System)
    {
    }

    public PasswordHasher(IOptions<PasswordHashingOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        this.time = time;
        dummyHash = new(() => HashCore("chaos-dummy-password", options.Value));
        concurrency = Concurrency(options.Value);
        for (var i = 0; i < concurrency; i++)
        {
            new Thread(Work) { IsBackground = true, Name = $"chaos-hash-{i}" }.Start();
        }
    }

    public Task<string> HashAsync(string password) => RunAsync(() => HashCore(password, options.Value));

    public Task<bool> VerifyAsync(string password, string encoded) => RunAsync(() => VerifyCore(password, encoded));

    /// <summary>Spends the same time as a real check, so an unknown username cannot be told apart from a wrong password.</summary>
    public Task BurnAsync(string password) => RunAsync(() => VerifyCore(password, dummyHash.Value));

    public void Dispose()
    {
        queue.CompleteAdding();
    }

    /// <summary>One hash per two cores unless configured: the rest of the cores stay with the chat.</summary>
    internal static int Concurrency(PasswordHashingOptions cost) => cost.MaxConcurrent > 0 ? cost.MaxConcurrent : Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>
    /// At most <see cref="PasswordHashingOptions.MaxConcurrent"/> hashes run and <see cref="PasswordHashingOptions.MaxQueued"/>
    /// wait; past that the caller gets 429 at once (docs/api.md#rate-limits), so a flood of logins costs a bounded amount
    /// of CPU and memory and the front door answers instead of timing out. A hash that waited longer than
    /// <see cref="PasswordHashingOptions.MaxWaitMilliseconds"/> is refused the same way instead of being computed late.
    /// </summary>
    private Task<T> RunAsync<T>(Func<T> work)
    {
        if (Interlocked.Increment(ref waiting) > options.Value.MaxQueued + concurrency)
        {
            Interlocked.Decrement(ref waiting);
            return Task.FromException<T>(Busy());
        }

        // Continuations run on the thread pool, never on a hashing thread of lowered priority.
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var enqueued = time.GetTimestamp();
        var item = new HashWork(() =>
        {
            try
            {
                if (time.GetElapsedTime(enqueued).TotalMilliseconds > options.Value.MaxWaitMilliseconds)
                {
                    done.TrySetException(Busy());
                    return;
                }

                done.TrySetResult(work());
            }
            catch (Exception exception)
            {
                done.TrySetException(exception);
            }
            finally
            {
                Interlocked.Decrement(ref waiting);
            }
        });
        try
        {
            queue.Add(item);
        }
        catch (InvalidOperationException)
        {
            Interlocked.Decrement(ref waiting);
            return Task.FromException<T>(new ObjectDisposedException(nameof(PasswordHasher)));
        }

        return done.Task;
    }

    private static ChaosException Busy() => ChaosException.RateLimited(1, "The server is busy checking passwords; retry shortly.");

    private void Work()
    {
        LowerPriority(options.Value.Niceness);
        foreach (var item in queue.GetConsumingEnumerable())
        {
            item.Run();
        }
    }

    /// <summary>
    /// Linux keeps a nice value per thread: raising this thread's (no privilege needed) makes the scheduler prefer every
    /// other thread of the process when the cores are contended, and costs nothing when they are idle. Elsewhere the
    /// managed thread priority does the same.
    /// </summary>
    private static void LowerPriority(int niceness)
    {
        if (niceness <= 0)
        {
            return;
        }

        if (OperatingSystem.IsLinux())
        {
            // PRIO_PROCESS with who = 0 is the calling thread on Linux; a failure only leaves the priority as it was.
            _ = NativeMethods.SetPriority(0, 0, niceness);
        }
        else
        {
            Thread.CurrentThread.Priority = ThreadPriority.BelowNormal;
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

    private sealed record HashWork(Action Run);
}
