namespace Chaos.Audio;

/// <summary>The libopus tuning target; values are libopus's OPUS_APPLICATION_* constants.</summary>
public enum OpusApplication
{
    /// <summary>Speech: favours intelligibility and enables the speech-oriented SILK modes.</summary>
    Voip = 2048,

    /// <summary>Music or mixed content: favours faithfulness to the input.</summary>
    Audio = 2049,

    /// <summary>Lowest algorithmic delay, at some cost in quality.</summary>
    RestrictedLowDelay = 2051,
}
