using Chaos.Messages;

namespace Chaos.Tests.Messages;

public static class StoredMessageAssertions
{
    /// <summary>Field-by-field equality: the record's own equality compares the mentions list by reference.</summary>
    public static void ShouldMatch(this StoredMessage? actual, StoredMessage expected)
    {
        actual.ShouldNotBeNull();
        actual.Mentions.ShouldBe(expected.Mentions);
        actual.ShouldBe(expected with { Mentions = actual.Mentions });
    }

    public static long[] Seqs(this IEnumerable<StoredMessage> messages) => [.. messages.Select(m => m.Seq)];
}
