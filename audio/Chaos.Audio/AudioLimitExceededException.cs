namespace Chaos.Audio;

/// <summary>
/// The input may be valid but exceeds a caller-supplied <see cref="AudioLimits"/> bound. It derives from
/// <see cref="InvalidAudioException"/> so a single catch refuses all bad uploads; catch it first to
/// answer 413 rather than 400/415.
/// </summary>
public sealed class AudioLimitExceededException : InvalidAudioException
{
    public AudioLimitExceededException()
        : base("Audio exceeds a limit.")
    {
    }

    public AudioLimitExceededException(string message)
        : base(message)
    {
    }

    public AudioLimitExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
