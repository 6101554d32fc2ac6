using Chaos.Voice;

namespace Chaos.Tests.Voice;

/// <summary>The reorder step of every media hop: order restored, repeats dropped, real gaps skipped and counted.</summary>
public sealed class FrameSequencerTests
{
    private readonly List<int> delivered = [];

    private readonly FrameSequencer<int> sequencer = new();

    [Fact]
    public void OutOfOrderFrames_AreReleasedInOrder_WithoutLoss()
    {
        int[] arrival = [1, 3, 2, 5, 4, 6, 9, 7, 8, 10];
        var lost = arrival.Sum(Push);

        lost.ShouldBe(0);
        delivered.ShouldBe(Enumerable.Range(1, 10));
    }

    [Fact]
    public void RepeatsAndFramesOlderThanTheCursor_AreDropped()
    {
        int[] arrival = [1, 2, 2, 1, 3];
        arrival.Sum(Push).ShouldBe(0);

        delivered.ShouldBe([1, 2, 3]);
    }

    [Fact]
    public void AGapWithTooManyFramesBehindIt_IsSkipped_Counted_AndALateArrivalIsDropped()
    {
        // Frame 2 never comes: 1 goes out, 3.. wait, and once more than MaxPending wait the gap counts as lost.
        var lost = Push(1);
        for (var i = 3; i <= 3 + FrameSequencer<int>.MaxPending; i++)
        {
            lost += Push(i);
        }

        lost.ShouldBe(1);
        delivered.ShouldBe(new[] { 1 }.Concat(Enumerable.Range(3, FrameSequencer<int>.MaxPending + 1)));
        Push(2).ShouldBe(0);
        delivered.ShouldNotContain(2);
    }

    [Fact]
    public void FlushStale_ReleasesWhatWaited_OnlyAfterTheGapIsOldEnough()
    {
        Push(1);
        Push(4);
        Push(5);

        sequencer.FlushStale(60_000, 0, Deliver).ShouldBe(0, "a fresh gap is still in flight");
        delivered.ShouldBe([1]);
        sequencer.FlushStale(-1, 0, Deliver).ShouldBe(2, "frames 2 and 3 are given up");
        delivered.ShouldBe([1, 4, 5]);
        Push(6).ShouldBe(0);
        delivered.ShouldBe([1, 4, 5, 6]);
    }

    [Fact]
    public void AWholeAllowedBurst_ArrivingBackToFront_IsReorderedWithoutLoss()
    {
        // What a loaded relay saw: the second half of a burst before the first.
        FrameSequencer<int>.MaxPending.ShouldBeGreaterThanOrEqualTo(VoiceRules.FrameBurst);
        var half = VoiceRules.FrameBurst / 2;
        var arrival = Enumerable.Range(half + 1, VoiceRules.FrameBurst - half).Concat(Enumerable.Range(1, half));

        arrival.Sum(Push).ShouldBe(0);
        delivered.ShouldBe(Enumerable.Range(1, VoiceRules.FrameBurst));
    }

    [Fact]
    public void ANewEpoch_RestartsTheNumbering()
    {
        Push(1);
        Push(2);
        sequencer.Push(2, 1, 100, 0, Deliver).ShouldBe(0);
        sequencer.Push(2, 2, 200, 0, Deliver).ShouldBe(0);

        delivered.ShouldBe([1, 2, 100, 200]);
    }

    [Fact]
    public void AStreamJoinedMidway_StartsWhereItIs()
    {
        sequencer.Push(1, 500, 500, 0, Deliver).ShouldBe(0);
        sequencer.Push(1, 501, 501, 0, Deliver).ShouldBe(0);

        delivered.ShouldBe([500, 501]);
    }

    private int Push(int index) => sequencer.Push(1, index, index, 0, Deliver);

    private void Deliver(int state, int item) => delivered.Add(item);
}
