using Microsoft.Win32.SafeHandles;

namespace Chaos.Audio;

/// <summary>Owns a native OpusEncoder so it is freed exactly once, even if a finalizer runs.</summary>
internal sealed class OpusEncoderHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public OpusEncoderHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        OpusNative.opus_encoder_destroy(handle);
        return true;
    }
}
