using Microsoft.Win32.SafeHandles;

namespace Chaos.Audio;

/// <summary>Owns a native OpusDecoder so it is freed exactly once, even if a finalizer runs.</summary>
internal sealed class OpusDecoderHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public OpusDecoderHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        OpusNative.opus_decoder_destroy(handle);
        return true;
    }
}
