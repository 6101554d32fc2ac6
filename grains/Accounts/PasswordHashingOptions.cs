using System.ComponentModel.DataAnnotations;

namespace Chaos.Accounts;

/// <summary>
/// <c>Chaos:Passwords</c>: Argon2id cost (OWASP's 19 MiB, t=2, p=1 by default). The cost is stored in each hash, so it
/// can be raised later.
/// </summary>
public sealed class PasswordHashingOptions : IValidatableObject
{
    public const string Section = "Chaos:Passwords";

    [Range(8, 4 * 1024 * 1024)]
    public int MemoryKiB { get; set; } = 19456;

    [Range(1, 1000)]
    public int Iterations { get; set; } = 2;

    [Range(1, 64)]
    public int Parallelism { get; set; } = 1;

    /// <summary>Hashes computed at once in this process; 0 means one per two cores (at least one), so a login flood leaves the chat the other cores.</summary>
    [Range(0, 4096)]
    public int MaxConcurrent { get; set; }

    /// <summary>Hashes waiting for a slot; one more is refused with 429 instead of queueing without end.</summary>
    [Range(0, 1_000_000)]
    public int MaxQueued { get; set; } = 32;

    /// <summary>A hash that waited longer than this for a slot is refused with 429 instead of being computed late.</summary>
    [Range(1, 600_000)]
    public int MaxWaitMilliseconds { get; set; } = 5000;

    /// <summary>
    /// The nice value (0–19) of the hashing threads on Linux (below-normal priority elsewhere when above 0): contended cores go
    /// to the chat first. 0 by default: on a shared host a niced hash thread starved and real logins were refused
    /// (docs/architecture.md#password-hashing).
    /// </summary>
    [Range(0, 19)]
    public int Niceness { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // Argon2 needs at least 8 KiB of memory per lane.
        if (MemoryKiB < 8 * Parallelism)
        {
            yield return new ValidationResult($"Argon2id needs at least 8 KiB per lane: {8 * Parallelism} for Parallelism {Parallelism}.", [nameof(MemoryKiB)]);
        }
    }
}
