namespace Chaos.Audio;

/// <summary>
/// The input is not audio we accept. The message is a short, user-safe reason (no stack data), so the
/// API can return it in a problem details body as is.
/// </summary>
public class InvalidAudioException : Exception
{
    public InvalidAudioException()
        : base("Invalid audio.")
    {
    }

    public InvalidAudioException(string message)
        : base(message)
    {
    }

    public InvalidAudioException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
