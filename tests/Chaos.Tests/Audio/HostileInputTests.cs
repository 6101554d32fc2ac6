using System.Buffers.Binary;
using Chaos.Audio;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Audio;

/// <summary>
/// Every malformed or oversized upload must end in <see cref="InvalidAudioException"/> (or its
/// <see cref="AudioLimitExceededException"/> subtype for limits) — never an IndexOutOfRange, an
/// OpusException or an OutOfMemory that the API would turn into a 500.
/// </summary>
[StartsEarly(3)]
public sealed class HostileInputTests
{
    private static readonly byte[] ValidOgg = AudioFixtures.OggOpus(AudioFixtures.Sine(48000, 3.5));

    private static readonly Dictionary<string, Case> OggCases = new()
    {
        ["zero bytes"] = Invalid([]),
        ["one byte"] = Invalid([0x4F]),
        ["random bytes"] = Invalid(RandomBytes(4096, 1)),
        ["random bytes after OggS"] = Invalid([.. "OggS"u8, .. RandomBytes(4096, 2)]),
        ["wav given as ogg"] = Invalid(AudioFixtures.Wav(AudioFixtures.Sine(16000, 0.2), 16000, 1)),
        ["corrupt crc in audio page"] = Invalid(Mutate(ValidOgg, 3, p => p[^1] ^= 0x55, reseal: false)),
        ["corrupt crc in OpusHead page"] = Invalid(Mutate(ValidOgg, 0, p => p[22] ^= 0x01, reseal: false)),
        ["truncated inside first page header"] = Invalid(ValidOgg[..10]),
        ["truncated inside OpusHead"] = Invalid(ValidOgg[..40]),
        ["truncated inside an audio page"] = Invalid(ValidOgg[..(ValidOgg.Length / 2)]),
        ["truncated one byte short"] = Invalid(ValidOgg[..^1]),
        ["truncated at a page boundary (no EOS)"] = Invalid(AudioFixtures.Join(AudioFixtures.Pages(ValidOgg).SkipLast(1))),
        ["vorbis stream"] = Invalid(AudioFixtures.Join(
        [
            AudioFixtures.Page(0x02, 0, 1, 0, [0x01, .. "vorbis"u8, 0, 0, 0, 0, 1, 0x44, 0xAC, 0, 0, 0, 0, 0, 0, 0, 0xEE, 0x02, 0, 0, 0, 0, 0, 0xB8, 0x01]),
        ])),
        ["OpusHead version 2"] = Invalid(Mutate(ValidOgg, 0, p => p[AudioFixtures.BodyOffset(p) + 8] = 2)),
        ["OpusHead version 16"] = Invalid(Mutate(ValidOgg, 0, p => p[AudioFixtures.BodyOffset(p) + 8] = 16)),
        ["OpusHead zero channels"] = Invalid(Mutate(ValidOgg, 0, p => p[AudioFixtures.BodyOffset(p) + 9] = 0)),
        ["OpusHead three channels"] = Invalid(Mutate(ValidOgg, 0, p => p[AudioFixtures.BodyOffset(p) + 9] = 3)),
        ["OpusHead mapping family 255"] = Invalid(Mutate(ValidOgg, 0, p => p[AudioFixtures.BodyOffset(p) + 18] = 255)),
        ["OpusHead family 1 without mapping table"] = Invalid(Mutate(ValidOgg, 0, p => p[AudioFixtures.BodyOffset(p) + 18] = 1)),
        ["OpusHead family 1 with two streams"] = Invalid(Headers([.. AudioFixtures.OpusHeadPacket(channels: 2, family: 1), 2, 0, 0, 1])),
        ["OpusHead family 1 mapping out of range"] = Invalid(Headers([.. AudioFixtures.OpusHeadPacket(channels: 2, family: 1), 1, 1, 0, 7])),
        ["OpusHead family 1 with zero streams"] = Invalid(Headers([.. AudioFixtures.OpusHeadPacket(channels: 1, family: 1), 0, 0, 0])),
        ["OpusHead shares its page with OpusTags"] = Invalid(AudioFixtures.Join(
        [
            AudioFixtures.Page(0x02, 0, 1, 0, AudioFixtures.OpusHeadPacket(), AudioFixtures.OpusTagsPacket()),
            AudioFixtures.Page(0x04, 1272, 1, 1, AudioFixtures.SmallOpusPacket()),
        ])),
        ["first page without BOS"] = Invalid(AudioFixtures.Join(
        [
            AudioFixtures.Page(0x00, 0, 1, 0, AudioFixtures.OpusHeadPacket()),
            AudioFixtures.Page(0x00, 0, 1, 1, AudioFixtures.OpusTagsPacket()),
            AudioFixtures.Page(0x04, 1272, 1, 2, AudioFixtures.SmallOpusPacket()),
        ])),
        ["OpusHead truncated"] = Invalid(Headers(AudioFixtures.OpusHeadPacket()[..15])),
        ["missing OpusTags"] = Invalid(AudioFixtures.Join(
        [
            AudioFixtures.Page(0x02, 0, 1, 0, AudioFixtures.OpusHeadPacket()),
            AudioFixtures.Page(0x04, 1272, 1, 1, AudioFixtures.SmallOpusPacket()),
        ])),
        ["OpusTags with lying vendor length"] = Invalid(AudioFixtures.Join(
        [
            AudioFixtures.Page(0x02, 0, 1, 0, AudioFixtures.OpusHeadPacket()),
            AudioFixtures.Page(0x00, 0, 1, 1, [.. "OpusTags"u8, 0xFF, 0xFF, 0xFF, 0x7F, 0, 0, 0, 0]),
            AudioFixtures.Page(0x04, 1272, 1, 2, AudioFixtures.SmallOpusPacket()),
        ])),
        ["OpusTags with lying comment count"] = Invalid(AudioFixtures.Join(
        [
            AudioFixtures.Page(0x02, 0, 1, 0, AudioFixtures.OpusHeadPacket()),
            AudioFixtures.Page(0x00, 0, 1, 1, [.. "OpusTags"u8, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF]),
            AudioFixtures.Page(0x04, 1272, 1, 2, AudioFixtures.SmallOpusPacket()),
        ])),
        ["headers only"] = Invalid(AudioFixtures.Join(
        [
            AudioFixtures.Page(0x02, 0, 1, 0, AudioFixtures.OpusHeadPacket()),
            AudioFixtures.Page(0x04, 0, 1, 1, AudioFixtures.OpusTagsPacket()),
        ])),
        ["granule goes backwards"] = Invalid(Mutate(ValidOgg, 4, p => BinaryPrimitives.WriteInt64LittleEndian(p.AsSpan(6), 100))),
        ["granule beyond the audio"] = Invalid(Mutate(ValidOgg, 3, p => BinaryPrimitives.WriteInt64LittleEndian(p.AsSpan(6), BinaryPrimitives.ReadInt64LittleEndian(p.AsSpan(6)) + 48000))),
        ["final granule below pre-skip"] = Invalid(AudioFixtures.Join(
        [
            AudioFixtures.Page(0x02, 0, 1, 0, AudioFixtures.OpusHeadPacket(preSkip: 3840)),
            AudioFixtures.Page(0x00, 0, 1, 1, AudioFixtures.OpusTagsPacket()),
            AudioFixtures.Page(0x04, 960, 1, 2, AudioFixtures.SmallOpusPacket()),
        ])),
        ["missing page (sequence gap)"] = Invalid(AudioFixtures.Join(AudioFixtures.Pages(ValidOgg).Where((_, i) => i != 3))),
        ["page with unknown flags"] = Invalid(Mutate(ValidOgg, 3, p => p[5] = 0x08)),
        ["ogg version 1"] = Invalid(Mutate(ValidOgg, 3, p => p[4] = 1)),
        ["second logical stream"] = Invalid(Mutate(ValidOgg, 3, p => BinaryPrimitives.WriteInt32LittleEndian(p.AsSpan(14), 999))),
        ["continued flag without a packet to continue"] = Invalid(Mutate(ValidOgg, 3, p => p[5] = 0x01)),
        ["malformed opus packet"] = Invalid(AudioFixtures.Join(
        [
            AudioFixtures.Page(0x02, 0, 1, 0, AudioFixtures.OpusHeadPacket()),
            AudioFixtures.Page(0x00, 0, 1, 1, AudioFixtures.OpusTagsPacket()),
            AudioFixtures.Page(0x04, 1272, 1, 2, [0xFB, 0x00]),
        ])),
        ["empty opus packet"] = Invalid(AudioFixtures.Join(
        [
            AudioFixtures.Page(0x02, 0, 1, 0, AudioFixtures.OpusHeadPacket()),
            AudioFixtures.Page(0x00, 0, 1, 1, AudioFixtures.OpusTagsPacket()),
            AudioFixtures.Page(0x04, 1272, 1, 2, Array.Empty<byte>()),
        ])),
        ["garbage after EOS"] = Invalid([.. ValidOgg, .. "garbage"u8]),
        ["chained second stream after EOS"] = Invalid([.. ValidOgg, .. AudioFixtures.OggOpus(AudioFixtures.Sine(48000, 0.2), serial: 77)]),
        ["over max bytes"] = Limit(ValidOgg, new AudioLimits(ValidOgg.Length - 1, TimeSpan.FromMinutes(10))),
        ["over max bytes by far"] = Limit(ValidOgg, new AudioLimits(1000, TimeSpan.FromMinutes(10))),
        ["over max duration"] = Limit(ValidOgg, new AudioLimits(1 << 20, TimeSpan.FromSeconds(3))),
        ["granule claims hours"] = Limit(Mutate(ValidOgg, 3, p => BinaryPrimitives.WriteInt64LittleEndian(p.AsSpan(6), 48000L * 3600 * 5))),
    };

    private static readonly Dictionary<string, Case> WavCases = new()
    {
        ["zero bytes"] = Invalid([]),
        ["RIFF only"] = Invalid("RIFF"u8.ToArray()),
        ["random bytes"] = Invalid(RandomBytes(4096, 3)),
        ["ogg given as wav"] = Invalid(ValidOgg),
        ["RIFX (big-endian)"] = Invalid([.. "RIFX"u8, .. Wav16k()[4..]]),
        ["24-bit"] = Invalid(AudioFixtures.WavRaw(1, 1, 16000, 24, new byte[3000])),
        ["8-bit"] = Invalid(AudioFixtures.WavRaw(1, 1, 16000, 8, new byte[3000])),
        ["IEEE float"] = Invalid(AudioFixtures.WavRaw(3, 1, 16000, 32, new byte[4000])),
        ["A-law"] = Invalid(AudioFixtures.WavRaw(6, 1, 8000, 8, new byte[4000])),
        ["3 channels"] = Invalid(AudioFixtures.WavRaw(1, 3, 16000, 16, new byte[6000])),
        ["0 channels"] = Invalid(AudioFixtures.WavRaw(1, 0, 16000, 16, new byte[6000])),
        ["7 kHz"] = Invalid(AudioFixtures.WavRaw(1, 1, 7000, 16, new byte[6000])),
        ["96 kHz"] = Invalid(AudioFixtures.WavRaw(1, 1, 96000, 16, new byte[6000])),
        ["no fmt chunk"] = Invalid(AudioFixtures.Riff(AudioFixtures.Chunk("data", new byte[4000]))),
        ["no chunks at all"] = Invalid(AudioFixtures.Riff([])),
        ["no data chunk"] = Invalid(Wav16k()[..36]),
        ["fmt chunk too short"] = Invalid(AudioFixtures.Riff([.. AudioFixtures.Chunk("fmt ", new byte[10]), .. AudioFixtures.Chunk("data", new byte[100])])),
        ["fmt chunk huge"] = Invalid(AudioFixtures.Riff(AudioFixtures.Chunk("fmt ", new byte[16], declaredSize: 0x7FFF_FFFF))),
        ["two fmt chunks"] = Invalid(AudioFixtures.WavRaw(1, 1, 16000, 16, new byte[100], extraChunkBefore: Wav16k()[12..36])),
        ["wrong block align"] = Invalid(Mutate(Wav16k(), w => w[32] = 4)),
        ["extensible float subformat"] = Invalid(ExtensibleWav(subformatTag: 3)),
        ["extensible header truncated"] = Invalid(AudioFixtures.WavRaw(0xFFFE, 1, 16000, 16, new byte[100])),
        ["data size lies (moderately)"] = Invalid(AudioFixtures.WavRaw(1, 1, 16000, 16, new byte[1000], dataSize: 100_000)),
        ["data size lies (huge)"] = Limit(AudioFixtures.WavRaw(1, 1, 16000, 16, new byte[1000], dataSize: 0x7FFF_FFF0)),
        ["data size odd for 16-bit"] = Invalid(AudioFixtures.WavRaw(1, 1, 16000, 16, new byte[1001])),
        ["data size zero"] = Invalid(AudioFixtures.WavRaw(1, 1, 16000, 16, [])),
        ["streaming size with no data"] = Invalid(AudioFixtures.WavRaw(1, 1, 16000, 16, [], dataSize: uint.MaxValue)),
        ["streaming size with partial frame"] = Invalid(AudioFixtures.WavRaw(1, 2, 16000, 16, new byte[1002], dataSize: uint.MaxValue)),
        ["truncated unknown chunk"] = Invalid(AudioFixtures.Riff(AudioFixtures.Chunk("LIST", new byte[10], declaredSize: 5000))),
        ["over max bytes"] = Limit(Wav16k(), new AudioLimits(1000, TimeSpan.FromMinutes(10))),
        ["over max bytes in a skipped chunk"] = Limit(AudioFixtures.Riff(AudioFixtures.Chunk("LIST", new byte[5000])), new AudioLimits(1000, TimeSpan.FromMinutes(10))),
        ["over max duration"] = Limit(Wav16k(seconds: 3), new AudioLimits(1 << 24, TimeSpan.FromSeconds(2))),
        ["over max duration while streaming"] = Limit(AudioFixtures.WavRaw(1, 1, 16000, 16, new byte[16000 * 2 * 3], dataSize: uint.MaxValue), new AudioLimits(1 << 24, TimeSpan.FromSeconds(2))),
    };

    public static TheoryData<string> OggCaseNames() => [.. OggCases.Keys];

    /// <summary>The Ogg inputs rejected as invalid (not for a limit), reused by the voice-message upload tests.</summary>
    internal static IEnumerable<(string Name, byte[] Input)> InvalidOgg => OggCases.Where(c => !c.Value.ExpectLimit).Select(c => (c.Key, c.Value.Input));

    /// <summary>The WAV inputs rejected as invalid (not for a limit), reused by the voice-message upload tests.</summary>
    internal static IEnumerable<(string Name, byte[] Input)> InvalidWav => WavCases.Where(c => !c.Value.ExpectLimit).Select(c => (c.Key, c.Value.Input));

    public static TheoryData<string> WavCaseNames() => [.. WavCases.Keys];

    [Theory]
    [MemberData(nameof(OggCaseNames))]
    public void InspectOggOpus_HostileInput_IsRejectedAsInvalidAudio(string name)
    {
        var c = OggCases[name];
        AssertRejected(c, () => VoiceMessageInspector.InspectOggOpus(new MemoryStream(c.Input), c.Limits));
    }

    [Theory]
    [MemberData(nameof(WavCaseNames))]
    public void EncodeWavToOggOpus_HostileInput_IsRejectedAsInvalidAudio(string name)
    {
        var c = WavCases[name];
        AssertRejected(c, () => VoiceMessageEncoder.EncodeWavToOggOpus(new MemoryStream(c.Input), Stream.Null, c.Limits));
    }

    [Fact]
    public void CorpusIsBigEnough() => (OggCases.Count + WavCases.Count).ShouldBeGreaterThan(40);

    [Fact]
    public void ValidInputs_UsedAsTheBaseOfTheCorpus_AreAccepted()
    {
        VoiceMessageInspector.InspectOggOpus(new MemoryStream(ValidOgg), AudioFixtures.Limits).DurationMs.ShouldBe(3500);
        VoiceMessageEncoder.EncodeWavToOggOpus(new MemoryStream(Wav16k()), Stream.Null, AudioFixtures.Limits).TotalMilliseconds.ShouldBe(1000);
        VoiceMessageEncoder.EncodeWavToOggOpus(new MemoryStream(ExtensibleWav(subformatTag: 1)), Stream.Null, AudioFixtures.Limits).TotalMilliseconds.ShouldBe(1000);
    }

    [Fact]
    public void MutatedOgg_WithValidChecksums_IsAcceptedOrRejectedAsInvalidAudio()
    {
        // CRCs are recomputed after each mutation so the damage reaches the parser behind them.
        var random = new Random(3533);
        var pages = AudioFixtures.Pages(AudioFixtures.OggOpus(AudioFixtures.Sine(48000, 1.5)));
        for (var i = 0; i < 1500; i++)
        {
            var index = random.Next(pages.Count);
            var mutated = pages.Select(p => (byte[])p.Clone()).ToList();
            var page = mutated[index];
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                // Favour the header, segment table and head/tags bodies, where the structure lives.
                var at = random.Next(Math.Min(page.Length, i % 2 == 0 ? 60 : page.Length));
                if (at is >= 22 and < 26)
                {
                    continue;
                }

                page[at] = (byte)random.Next(256);
            }

            mutated[index] = AudioFixtures.Reseal(page);
            var bytes = AudioFixtures.Join(mutated);
            var exception = Record.Exception(() => VoiceMessageInspector.InspectOggOpus(new MemoryStream(bytes), AudioFixtures.Limits));
            if (exception is not null)
            {
                exception.ShouldBeAssignableTo<InvalidAudioException>(exception.ToString());
            }
        }
    }

    [Fact]
    public void MutatedWav_IsAcceptedOrRejectedAsInvalidAudio()
    {
        var random = new Random(1991);
        var wav = AudioFixtures.WavRaw(1, 2, 22050, 16, new byte[4000], extraChunkBefore: AudioFixtures.Chunk("LIST", new byte[9]));
        for (var i = 0; i < 1000; i++)
        {
            var bytes = (byte[])wav.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                bytes[random.Next(70)] = (byte)random.Next(256);
            }

            var exception = Record.Exception(() => VoiceMessageEncoder.EncodeWavToOggOpus(new MemoryStream(bytes), Stream.Null, AudioFixtures.Limits));
            if (exception is not null)
            {
                exception.ShouldBeAssignableTo<InvalidAudioException>(exception.ToString());
            }
        }
    }

    [Fact]
    public void LimitExceeded_StopsReadingEarly()
    {
        // A minute of audio under a 1 s limit: refused after its first audio pages, not at the end.
        var longOgg = AudioFixtures.OggOpus(new short[48000 * 60]);
        var stream = new MemoryStream(longOgg);
        Should.Throw<AudioLimitExceededException>(() => VoiceMessageInspector.InspectOggOpus(stream, new AudioLimits(1 << 24, TimeSpan.FromSeconds(1))));
        stream.Position.ShouldBeLessThan(longOgg.Length / 10);
    }

    private static void AssertRejected(Case c, Action action)
    {
        var exception = Record.Exception(action);
        exception.ShouldNotBeNull("hostile input was accepted");
        exception.ShouldBeAssignableTo<InvalidAudioException>(exception.ToString());
        if (c.ExpectLimit)
        {
            exception.ShouldBeOfType<AudioLimitExceededException>(exception.ToString());
        }
        else
        {
            exception.ShouldBeOfType<InvalidAudioException>(exception.ToString());
        }

        exception.Message.ShouldNotBeNullOrWhiteSpace();
    }

    private static Case Invalid(byte[] input) => new(input, AudioFixtures.Limits, ExpectLimit: false);

    private static Case Limit(byte[] input, AudioLimits? limits = null) => new(input, limits ?? AudioFixtures.Limits, ExpectLimit: true);

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static byte[] Mutate(byte[] ogg, int pageIndex, Action<byte[]> change, bool reseal = true)
    {
        var pages = AudioFixtures.Pages(ogg);
        var page = (byte[])pages[pageIndex].Clone();
        change(page);
        pages[pageIndex] = reseal ? AudioFixtures.Reseal(page) : page;
        return AudioFixtures.Join(pages);
    }

    private static byte[] Mutate(byte[] bytes, Action<byte[]> change)
    {
        var copy = (byte[])bytes.Clone();
        change(copy);
        return copy;
    }

    private static byte[] Headers(byte[] head) => AudioFixtures.Join(
    [
        AudioFixtures.Page(0x02, 0, 1, 0, head),
        AudioFixtures.Page(0x00, 0, 1, 1, AudioFixtures.OpusTagsPacket()),
        AudioFixtures.Page(0x04, 1272, 1, 2, AudioFixtures.SmallOpusPacket()),
    ]);

    private static byte[] Wav16k(double seconds = 1) => AudioFixtures.Wav(AudioFixtures.Sine(16000, seconds), 16000, 1);

    private static byte[] ExtensibleWav(ushort subformatTag)
    {
        var fmt = new byte[40];
        BinaryPrimitives.WriteUInt16LittleEndian(fmt, 0xFFFE);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(2), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(4), 16000);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(8), 32000);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(12), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(14), 16);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(16), 22);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(18), 16);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(24), subformatTag);
        byte[] tail = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];
        tail.CopyTo(fmt, 26);
        var data = AudioFixtures.SamplesToBytes(AudioFixtures.Sine(16000, 1));
        return AudioFixtures.Riff([.. AudioFixtures.Chunk("fmt ", fmt), .. AudioFixtures.Chunk("data", data)]);
    }

    private sealed record Case(byte[] Input, AudioLimits Limits, bool ExpectLimit);
}
