using Chaos.Communities;
using Chaos.Messages;

namespace Chaos.Tests.Messages;

/// <summary>
/// The Channel grain's bounded memory of nonces (docs/architecture.md#sends-and-nonces): a nonce is answered from memory
/// when it can be, and storage is asked exactly when memory cannot tell — never "new" for a nonce that may have been sent.
/// </summary>
public sealed class NonceMemoryTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(10);
    private static readonly DateTimeOffset Start = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private readonly TestChannel channel = new();

    [Fact]
    public void AMemoryThatCoversTheWindow_KnowsSentNonces_AndCallsOthersNew()
    {
        var memory = Covering();
        var sent = Sent("a", Start);
        memory.Remember(sent);

        memory.Find(42, "a", Start.AddMinutes(1), out var found).ShouldBe(NonceAnswer.Sent);
        found.ShouldBe(sent);
        memory.Find(42, "b", Start.AddMinutes(1), out _).ShouldBe(NonceAnswer.New);
        memory.Find(7, "a", Start.AddMinutes(1), out _).ShouldBe(NonceAnswer.New, "a nonce is per author");
    }

    [Fact]
    public void ANonceOlderThanTheWindow_IsNewAgain()
    {
        var memory = Covering();
        memory.Remember(Sent("a", Start));

        memory.Find(42, "a", Start + Window + TimeSpan.FromSeconds(1), out _).ShouldBe(NonceAnswer.New);
        memory.FingerprintCount.ShouldBe(0, "expired fingerprints are let go");
    }

    [Fact]
    public void ANonceWhoseMessageWasLetGo_IsAskedOfStorage_NeverCalledNew()
    {
        var memory = new NonceMemory(Window, maxMessages: 2, maxFingerprints: 100);
        memory.CoverSince(DateTimeOffset.MinValue);
        memory.Remember(Sent("a", Start));
        memory.Remember(Sent("b", Start));
        memory.Remember(Sent("c", Start));

        memory.MessageCount.ShouldBe(2);
        memory.Find(42, "a", Start, out _).ShouldBe(NonceAnswer.AskStorage);
        memory.Find(42, "c", Start, out _).ShouldBe(NonceAnswer.Sent);
        memory.Find(42, "never", Start, out _).ShouldBe(NonceAnswer.New);
    }

    [Fact]
    public void MoreSendsThanFingerprints_WithinOneWindow_SendEveryUnknownNonceToStorage_UntilTheWindowPassesThem()
    {
        var memory = new NonceMemory(Window, maxMessages: 1, maxFingerprints: 3);
        memory.CoverSince(DateTimeOffset.MinValue);
        for (var i = 0; i < 5; i++)
        {
            memory.Remember(Sent($"n{i}", Start.AddSeconds(i)));
        }

        memory.FingerprintCount.ShouldBe(3);
        memory.Find(42, "n0", Start.AddSeconds(10), out _).ShouldBe(NonceAnswer.AskStorage, "n0's fingerprint was dropped for space");
        memory.Find(42, "never", Start.AddSeconds(10), out _).ShouldBe(NonceAnswer.AskStorage);

        // Once the window has moved past the dropped fingerprints, memory covers it again.
        memory.Find(42, "never", Start.AddSeconds(2) + Window, out _).ShouldBe(NonceAnswer.New);
    }

    [Fact]
    public void AnActivationThatDidNotLoadTheWholeWindow_AsksStorage_UntilTheWindowPassesWhatItLoaded()
    {
        var memory = new NonceMemory(Window, maxMessages: 100, maxFingerprints: 100);
        var oldestLoaded = Sent("loaded", Start);
        memory.Remember(oldestLoaded);
        memory.CoverSince(oldestLoaded.CreatedAt.AddTicks(1));

        memory.Find(42, "loaded", Start.AddMinutes(1), out _).ShouldBe(NonceAnswer.Sent);
        memory.Find(42, "before-activation", Start.AddMinutes(1), out _).ShouldBe(NonceAnswer.AskStorage);
        memory.Find(42, "before-activation", Start + Window + TimeSpan.FromTicks(1), out _).ShouldBe(NonceAnswer.New);
    }

    [Fact]
    public void TheSameNonceRememberedTwice_StaysKnown_UntilItsLastFingerprintExpires()
    {
        var memory = new NonceMemory(Window, maxMessages: 1, maxFingerprints: 100);
        memory.CoverSince(DateTimeOffset.MinValue);
        memory.Remember(Sent("a", Start));
        memory.Remember(Sent("b", Start.AddMinutes(1)));

        // "a" was let go from the message memory; storage finds it and it is remembered again.
        memory.Find(42, "a", Start.AddMinutes(2), out _).ShouldBe(NonceAnswer.AskStorage);
        memory.Remember(Sent("a", Start));
        memory.Find(42, "a", Start.AddMinutes(2), out _).ShouldBe(NonceAnswer.Sent);
        memory.Find(42, "b", Start.AddMinutes(2), out _).ShouldBe(NonceAnswer.AskStorage);
    }

    private static NonceMemory Covering()
    {
        var memory = new NonceMemory(Window, maxMessages: 100, maxFingerprints: 100);
        memory.CoverSince(DateTimeOffset.MinValue);
        return memory;
    }

    private StoredMessage Sent(string nonce, DateTimeOffset at) => channel.Next(nonce: nonce) with { CreatedAt = at };
}
