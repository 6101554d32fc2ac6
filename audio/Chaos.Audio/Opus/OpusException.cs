namespace Chaos.Audio;

/// <summary>
/// An Opus codec call failed. Carries libopus's error code and text (whichever implementation ran, see
/// <see cref="OpusCodec"/>) so a failure can be diagnosed without reading the codec's source.
/// </summary>
public sealed class OpusException : Exception
{
    public OpusException()
        : this(OpusCodec.BadArg)
    {
    }

    public OpusException(string message)
        : base(message)
    {
    }

    public OpusException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public OpusException(int errorCode)
        : this(errorCode, null)
    {
    }

    public OpusException(int errorCode, string? operation)
        : base(Format(errorCode, operation))
    {
        ErrorCode = errorCode;
    }

    public OpusException(int errorCode, string? operation, Exception innerException)
        : base(Format(errorCode, operation), innerException)
    {
        ErrorCode = errorCode;
    }

    /// <summary>The negative OPUS_* error code returned by libopus.</summary>
    public int ErrorCode { get; }

    private static string Format(int errorCode, string? operation)
    {
        var text = OpusCodec.ErrorString(errorCode);
        return operation is null ? $"libopus error {errorCode}: {text}" : $"{operation} failed: libopus error {errorCode}: {text}";
    }
}
