namespace Chaos.Audio;

/// <summary>
/// A libopus call failed. Carries libopus's own error code and text so a failure can be diagnosed
/// without reading the native source.
/// </summary>
public sealed class OpusException : Exception
{
    public OpusException()
        : this(OpusNative.BadArg)
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

    /// <summary>The negative OPUS_* error code returned by libopus.</summary>
    public int ErrorCode { get; }

    private static string Format(int errorCode, string? operation)
    {
        var text = OpusNative.ErrorString(errorCode);
        return operation is null ? $"libopus error {errorCode}: {text}" : $"{operation} failed: libopus error {errorCode}: {text}";
    }
}
