using Chaos.Relationships;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Relationships;

/// <summary>The behaviour every <see cref="IRelationshipStore"/> must have; run once per implementation.</summary>
public abstract class RelationshipStoreBehaviour
{
    private static readonly DateTimeOffset At = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    protected abstract IRelationshipStore Store { get; }

    [Fact]
    public async Task Get_OfAUserWithNoRelationships_IsEmpty()
    {
        (await Store.GetAsync(FreshId.Next())).ShouldBeEmpty();
    }

    [Fact]
    public async Task Set_IsOneSidedView_OfTheOtherUser()
    {
        var (user, a, b) = (FreshId.Next(), FreshId.Next(), FreshId.Next());

        await Store.SetAsync(user, a, RelationshipType.Outgoing, At);
        await Store.SetAsync(user, b, RelationshipType.Blocked, At);

        (await Store.GetAsync(user)).ShouldBe([new Relationship(a, RelationshipType.Outgoing), new Relationship(b, RelationshipType.Blocked)], ignoreOrder: true);
        (await Store.GetAsync(a)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Set_Again_ReplacesTheType()
    {
        var (user, other) = (FreshId.Next(), FreshId.Next());
        await Store.SetAsync(user, other, RelationshipType.Incoming, At);

        await Store.SetAsync(user, other, RelationshipType.Friend, At.AddMinutes(1));

        (await Store.GetAsync(user)).ShouldBe([new Relationship(other, RelationshipType.Friend)]);
    }

    [Fact]
    public async Task Set_None_DeletesTheRelationship_AndDeletingNothingIsHarmless()
    {
        var (user, other, stranger) = (FreshId.Next(), FreshId.Next(), FreshId.Next());
        await Store.SetAsync(user, other, RelationshipType.Friend, At);
        await Store.SetAsync(user, stranger, RelationshipType.Friend, At);

        await Store.SetAsync(user, other, RelationshipType.None, At);
        await Store.SetAsync(user, FreshId.Next(), RelationshipType.None, At);
        await Store.SetAsync(FreshId.Next(), other, RelationshipType.None, At);

        (await Store.GetAsync(user)).ShouldBe([new Relationship(stranger, RelationshipType.Friend)]);
    }

    [Fact]
    public async Task EveryType_RoundTrips()
    {
        var user = FreshId.Next();
        var expected = new[] { RelationshipType.Friend, RelationshipType.Incoming, RelationshipType.Outgoing, RelationshipType.Blocked }
            .Select(type => new Relationship(FreshId.Next(), type))
            .ToList();
        foreach (var relationship in expected)
        {
            await Store.SetAsync(user, relationship.UserId, relationship.Type, At);
        }

        (await Store.GetAsync(user)).ShouldBe(expected, ignoreOrder: true);
    }
}
