namespace Chaos.Accounts;

/// <summary>Argon2id cost (OWASP's 19 MiB, t=2, p=1 by default). The cost is stored in each hash, so it can be raised later.</summary>
public sealed class PasswordHashingOptions
{
    public int MemoryKiB { get; set; } = 19456;

    public int Iterations { get; set; } = 2;

    public int Parallelism { get; set; } = 1;

    /// <summary>Hashes computed at once in this process; 0 means one per core.</summary>
    public int MaxConcurrent { get; set; }

    /// <summary>Hashes waiting for a slot; one more is refused with 429 instead of queueing without end.</summary>
    public int MaxQueued { get; set; } = 32;
}
