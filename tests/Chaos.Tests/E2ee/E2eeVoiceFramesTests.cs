using Chaos.Api.E2ee;

namespace Chaos.Tests.E2ee;

/// <summary>The relay's check on encrypted voice frames: size bounds and the Opus TOC byte, nothing more.</summary>
public sealed class E2eeVoiceFramesTests
{
    [Theory]
    [InlineData(0xF8, 2, true)] // CELT FB 20 ms, code 0
    [InlineData(0xF9, 100, true)] // CELT FB 20 ms, code 1 (two frames: 40 ms)
    [InlineData(0xFA, 100, true)] // code 2
    [InlineData(0xFB, 100, false)] // code 3: its frame count is encrypted
    [InlineData(0x19, 100, false)] // SILK NB 60 ms, code 1: 120 ms is more than a packet may carry here
    [InlineData(0x18, 100, true)] // SILK NB 60 ms, code 0
    [InlineData(0xF8, 1, false)] // the TOC byte alone
    [InlineData(0xF8, 1339, true)]
    [InlineData(0xF8, 1340, false)]
    public void Frame_IsJudgedBySizeAndTocOnly(int toc, int length, bool valid)
    {
        var frame = new byte[length];
        Random.Shared.NextBytes(frame);
        frame[0] = (byte)toc;
        E2eeVoiceFrames.IsValid(frame).ShouldBe(valid);
    }

    [Fact]
    public void EmptyFrame_IsInvalid() => E2eeVoiceFrames.IsValid([]).ShouldBeFalse();
}
