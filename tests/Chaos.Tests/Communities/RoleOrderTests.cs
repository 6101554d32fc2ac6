using Chaos.Communities;

namespace Chaos.Tests.Communities;

public sealed class RoleOrderTests
{
    private const long Everyone = 100;

    [Theory]
    [InlineData(1, new long[] { Everyone, 9, 1, 2 })]
    [InlineData(2, new long[] { Everyone, 1, 9, 2 })]
    [InlineData(3, new long[] { Everyone, 1, 2, 9 })]
    [InlineData(0, new long[] { Everyone, 9, 1, 2 })]
    [InlineData(99, new long[] { Everyone, 1, 2, 9 })]
    public void Insert_PutsTheRoleAtThePosition_ClampedAboveEveryone_AndNumbersFromOne(int position, long[] expected)
    {
        var others = new[] { Role(2, 2), Role(Everyone, 0), Role(1, 1) };

        var result = RoleOrder.Insert(others, Role(9, position), position, Everyone);

        result.Select(r => r.Id).ShouldBe(expected);
        result.Select(r => r.Position).ShouldBe([0, 1, 2, 3]);
    }

    [Fact]
    public void Insert_WithoutAnEveryoneRole_StillNumbersFromOne()
    {
        var result = RoleOrder.Insert([Role(1, 1)], Role(9, 1), 1, Everyone);

        result.Select(r => (r.Id, r.Position)).ShouldBe([(9L, 1), (1L, 2)]);
    }

    [Fact]
    public void Renumber_ClosesTheGaps_KeepingTheOrder_WithEveryoneFirstAtZero()
    {
        var result = RoleOrder.Renumber([Role(3, 9), Role(1, 2), Role(Everyone, 0), Role(2, 5)], Everyone);

        result.Select(r => (r.Id, r.Position)).ShouldBe([(Everyone, 0), (1L, 1), (2L, 2), (3L, 3)]);
    }

    [Fact]
    public void Renumber_KeepsEveryOtherField()
    {
        var role = new Role(1, "mods", Chaos.Permissions.Permissions.KickMembers, 4, 0xff0000, true);

        RoleOrder.Renumber([Role(Everyone, 0), role], Everyone)[1].ShouldBe(role with { Position = 1 });
    }

    private static Role Role(long id, int position) => new(id, $"r{id}", Chaos.Permissions.Permissions.None, position, 0, false);
}
