using Chaos.Communities;

namespace Chaos.Tests.Communities;

public sealed class ChannelOrderTests
{
    [Theory]
    [InlineData(0, new long[] { 9, 1, 2, 3 })]
    [InlineData(2, new long[] { 1, 2, 9, 3 })]
    [InlineData(3, new long[] { 1, 2, 3, 9 })]
    [InlineData(-5, new long[] { 9, 1, 2, 3 })]
    [InlineData(99, new long[] { 1, 2, 3, 9 })]
    public void Insert_PutsTheChannelAtThePosition_ClampedToTheList_AndNumbersFromZero(int position, long[] expected)
    {
        var others = new[] { Channel(3, 2), Channel(1, 0), Channel(2, 1) };

        var result = ChannelOrder.Insert(others, Channel(9, 0), position);

        result.Select(c => c.Id).ShouldBe(expected);
        result.Select(c => c.Position).ShouldBe([0, 1, 2, 3]);
    }

    [Fact]
    public void Insert_KeepsTheInsertedChannelWhereItWasPut_EvenIfItsOldPositionWasLower()
    {
        var others = new[] { Channel(1, 0), Channel(2, 1) };

        var result = ChannelOrder.Insert(others, Channel(9, 0), 2);

        result.Select(c => (c.Id, c.Position)).ShouldBe([(1L, 0), (2L, 1), (9L, 2)]);
    }

    [Fact]
    public void Renumber_ClosesTheGaps_KeepingTheOrder()
    {
        var result = ChannelOrder.Renumber([Channel(3, 7), Channel(1, 0), Channel(2, 4)]);

        result.Select(c => (c.Id, c.Position)).ShouldBe([(1L, 0), (2L, 1), (3L, 2)]);
    }

    [Fact]
    public void Renumber_LeavesAChannelAlreadyInPlaceUntouched()
    {
        var first = Channel(1, 0);

        ChannelOrder.Renumber([first, Channel(2, 5)])[0].ShouldBeSameAs(first);
    }

    [Fact]
    public void Renumber_OfNoChannels_IsEmpty()
    {
        ChannelOrder.Renumber([]).ShouldBeEmpty();
    }

    private static Channel Channel(long id, int position) => new(id, ChannelType.Text, 100, $"c{id}", null, position, [], null);
}
